WITH t AS (SELECT order_id FROM orders) SELECT nope FROM t
