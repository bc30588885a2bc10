SELECT * FROM examples.marketplace.orders o WHERE EXISTS (SELECT 1 FROM examples.marketplace.customers c WHERE c.customer_id = o.customer_id)
