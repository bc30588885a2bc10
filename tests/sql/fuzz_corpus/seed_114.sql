SELECT order_id FROM orders ORDER BY missing
