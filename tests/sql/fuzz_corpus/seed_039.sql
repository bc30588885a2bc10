SELECT * FROM examples.marketplace.orders
