{
    my ($type, undef, $port) = split /\|/, $mysqld;
    my (undef, $second) = qw(one two three);
    "$type $port $second\n";
}
