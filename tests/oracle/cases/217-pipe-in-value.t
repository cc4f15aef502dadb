banner: {$pipes{Banner}}
path: { $DB->get('pipes')->prop('Path') }
via get_prop: { $DB->get_prop('pipes', 'Banner') }
props: { my %p = $DB->get('pipes')->props; join ';', map { "$_=$p{$_}" } sort keys %p }
raw: {$pipes}
comment: { esmith::HostsDB->open_ro->get('mail.example.com')->prop('Comment') }
description: { esmith::DomainsDB->open_ro->get_prop('example.org', 'Description') }
