{ join ',', map { lc } qw(A B) } { join ',', map { length } qw(aa b) } { join ',', grep { defined } (1, undef, 3) } { my @u = map { ucfirst } qw(x y); "@u" }
{ $_ = 'topic'; uc }
