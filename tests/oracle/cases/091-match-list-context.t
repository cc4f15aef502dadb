{ my ($a) = 'x' =~ /(y)/; defined $a ? 'def' : 'undef' }
{ my @m = ('abc' =~ /z/); scalar(@m) } { my @n = ('abc' !~ /z/); "@n" } { my @o = ('abc' !~ /b/); "[@o]" }
{ my @p = ('abc' =~ /b/); "@p" } { my $q = () = 'abab' =~ /(a)(b)/g; $q }
{ my $s = 'aXbXc'; my $n = 0; $n++ while $s =~ /X/g; $n }
