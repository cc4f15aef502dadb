{ my %h; %h ? 'full' : 'empty' } { my %h = (a => 1); %h ? 'full' : 'empty' } { my %h = (a => 1, b => 2); scalar(%h) } { my @a; @a ? 'y' : 'n' }
