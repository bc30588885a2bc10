SELECT DISTINCT city FROM examples.marketplace.customers
