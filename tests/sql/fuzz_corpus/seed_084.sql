SELECT COUNT(*) AS n, COUNT(DISTINCT customer_id) AS customers, MIN(price) AS lo, MAX(price) AS hi FROM examples.marketplace.orders
