SELECT * FROM examples.marketplace.order
