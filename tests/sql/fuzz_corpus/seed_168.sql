SELECT * FROM orders WHERE NOT price
