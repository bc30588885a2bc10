SELECT ti + si AS r FROM t
