{ "\LABC\Edef\Ughi" } { "\uhello \lWORLD" } { my $n = 'bob'; "\u\L$n\E!" } { "\Qa.b\E" }
