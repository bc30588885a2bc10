SELECT # FROM orders
