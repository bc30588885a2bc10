SELECT customer_id, status, SUM(price) FROM orders GROUP BY customer_id
