{ $OUT .= "line $_\n" for 1..3; }{ $OUT = ''; 'ignored' }[{ $OUT .= 'a'; 'b' }]
