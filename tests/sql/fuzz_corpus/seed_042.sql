SELECT * FROM examples.marketplace.clicks
