SELECT window_start, window_end, customer_id, SUM(price) AS total
FROM TABLE(HOP(TABLE examples.marketplace.orders, DESCRIPTOR($rowtime), INTERVAL '5' MINUTES, INTERVAL '10' MINUTES))
GROUP BY window_start, window_end, customer_id
