SELECT IF(price > 50, 'expensive', 'cheap') AS label FROM examples.marketplace.orders
