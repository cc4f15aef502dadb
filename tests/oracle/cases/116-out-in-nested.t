{ if (1) { $OUT .= 'a'; foreach (1..2) { $OUT .= $_ } } 'ignored' }
{ $OUT = 'x'; $OUT .= 'y'; }
