{ return 'r1' unless 0; 'after' }
{ return 'r2' if 0; 'after2' }
