before{ 'x' }{ last; }after{ 'never' }
