{ my %h = (a => { b => 'deep' }); $h{a}{b} }
{ if (1) { if (1) { 'inner' } } }
{ join ',', map { $_ * 2 } grep { $_ > 1 } (1, 2, 3) }
