{ my @l = qw(one two   three); scalar(@l) . ":$l[2]" }
{ join '+', qw/a b/ }
