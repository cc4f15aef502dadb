{ 'value' # trailing comment
}
{ # only a comment
}
{ my $x = 1; # comment with } brace? no, balanced {
$x }
