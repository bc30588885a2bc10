SELECT o.order_id, o.price, c.name
FROM examples.marketplace.orders AS o
JOIN examples.marketplace.customers FOR SYSTEM_TIME AS OF o.`$rowtime` AS c
ON o.customer_id = c.customer_id
