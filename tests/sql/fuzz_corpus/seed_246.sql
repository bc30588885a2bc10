SELECT d * d AS r FROM t
