SELECT UPPER(quantity) FROM orders
