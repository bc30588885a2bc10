SELECT x.price FROM orders
