[{ if ($SystemName eq 'server') { 'yes' } else { 'no' } }] [{ if (0) { 'x' } }] [{ if ('') { 'x' } }] [{ unless (1) { 2 } }] [{ if (1) { } }]
