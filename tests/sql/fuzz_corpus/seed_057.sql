SELECT order_id, CAST(price AS DECIMAL(10, 2)) AS price FROM examples.marketplace.orders
