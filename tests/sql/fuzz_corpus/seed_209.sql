SELECT `abc FROM orders
