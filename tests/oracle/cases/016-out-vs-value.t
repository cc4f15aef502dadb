{ $OUT = 'x'; my $OUT = 'y'; 'z' }|{ 'value' }|{ $OUT = undef; 'v2' }
