SELECT DATE_FORMAT(ts, 'yyyy-MM-dd') AS r FROM t
