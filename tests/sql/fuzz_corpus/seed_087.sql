SELECT customer_id, COUNT(*) FILTER (WHERE price > 50) AS big_orders FROM examples.marketplace.orders GROUP BY customer_id
