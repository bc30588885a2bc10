SELECT order_time * 2 FROM orders
