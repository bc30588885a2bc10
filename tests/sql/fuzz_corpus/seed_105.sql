SELECT * FROM examples.marketplace.orders ORDER BY price FETCH FIRST 3 ROWS ONLY
