SELECT * FROM examples.marketplace.orders WHERE price BETWEEN 10 AND 20
