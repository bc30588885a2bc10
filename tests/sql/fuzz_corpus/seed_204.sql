SELECT customer_id FROM orders o JOIN customers c ON o.customer_id = c.customer_id
