SELECT customer_id, UPPER(status) FROM orders GROUP BY customer_id
