SELECT * FROM orders GROUP BY customer_id ORDER customer_id
