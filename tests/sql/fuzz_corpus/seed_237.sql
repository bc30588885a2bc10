SELECT dec * dec AS r FROM t
