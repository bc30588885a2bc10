SELECT o.order_id FROM orders o JOIN customers c ON o.customer_id = c.customer_id AND name2 = 'x'
