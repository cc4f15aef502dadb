[{ $OUT .= 'x' if 0; }] [{ 'yes' if 1 }] [{ 'no' unless 1 }] [{ 3 unless 0 }]
