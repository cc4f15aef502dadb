{ join ' ', sort { length($a) <=> length($b) } qw(ccc a bb aa b c) }
