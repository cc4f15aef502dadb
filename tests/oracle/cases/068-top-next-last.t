a{ next; }b{ 'kept' }c
