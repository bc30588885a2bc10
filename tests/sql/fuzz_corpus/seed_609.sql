SET 'a.b.c' 'v'
