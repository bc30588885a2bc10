SELECT * FROM orders JOIN customers WHERE 1 = 1
