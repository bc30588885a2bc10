SELECT inn IN (1, 2) AS r FROM t
