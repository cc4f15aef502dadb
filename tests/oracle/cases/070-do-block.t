{ my $v = do { 1; 2; 'three' }; $v }
{ do { 'inner' } }
