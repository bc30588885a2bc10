SELECT CAST(customer_id AS STRING) AS cid FROM examples.marketplace.orders
