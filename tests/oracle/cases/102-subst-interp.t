{ my $s = 'hello big world'; $s =~ s/(\w+)/\u$1/g; $s } { my $p = 'x'; my $s = 'axbxc'; $s =~ s/$p/Y/g; $s } { my $s = 'aaa'; $s =~ s/a/b/; $s } { my $s = 'path/to/file'; $s =~ s{/}{::}g; $s }
