{ use esmith::ConfigDB; require esmith::AccountsDB; use strict; use warnings; no warnings 'once'; 'loaded' }
