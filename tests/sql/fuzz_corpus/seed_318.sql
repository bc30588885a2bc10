SELECT s || s AS r FROM t
