{ my ($a, $b) = 'key=value' =~ /(\w+)=(\w+)/; "$b:$a" }
{ my @all = 'a1b22c333' =~ /(\d+)/g; join '|', @all }
{ my $c = () = 'aaa' =~ /a/g; $c }
