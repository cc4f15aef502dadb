{ $counter = 1; '' }{ $counter++ }{ $counter }
{ my $lex = 5; '' }[{ $lex }]
