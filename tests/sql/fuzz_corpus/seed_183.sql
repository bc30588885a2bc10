SELECT COUNT(*) FILTER (WHERE quantity) FROM orders
