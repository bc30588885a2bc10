SELECT arr[1] AS r FROM t
