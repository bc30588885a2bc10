SELECT inn = 1 OR inn = 2 AS r FROM t
