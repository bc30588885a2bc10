SELECT f + d AS r FROM t
