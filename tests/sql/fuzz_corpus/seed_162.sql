SELECT * FROM orders WHERE order_time > 5
