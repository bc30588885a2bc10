SELECT AVG(is_paid) FROM orders
