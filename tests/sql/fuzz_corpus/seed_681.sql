SELECT -(-1) AS a, - -2 AS b, NOT NOT TRUE AS c
