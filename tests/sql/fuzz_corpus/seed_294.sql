SELECT REGEXP(s, 'a.*') AS r FROM t
