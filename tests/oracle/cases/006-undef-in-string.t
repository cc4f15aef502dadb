[{ my $u; "a${u}b" }] [{ $nosuch }] [{ undef }] [{ $nosuch{x} }]
