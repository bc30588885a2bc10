SELECT customer_id, COUNT(*) FROM orders GROUP BY customer_id HAVING status = 'x'
