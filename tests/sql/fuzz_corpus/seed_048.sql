SELECT customer_id, COUNT(*) AS orders, SUM(price) AS spent, AVG(price) AS avg_price, MAX(price) AS max_price
FROM examples.marketplace.orders
GROUP BY customer_id
