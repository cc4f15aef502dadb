{ return 'early'; 'late' }
[{ return; }]
{ $OUT = 'out wins'; return 'ret' }
