SELECT price FROM orders UNION ALL SELECT is_paid FROM orders
