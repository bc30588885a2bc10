SELECT * FROM orders WHERE price IS 5
