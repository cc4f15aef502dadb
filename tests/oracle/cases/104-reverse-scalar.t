{ scalar reverse('ab', 'cd') } { my $s = reverse 'xyz'; $s } { join ',', reverse(1, 2) }
