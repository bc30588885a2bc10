SELECT brand, COUNT(DISTINCT vendor) AS vendors FROM examples.marketplace.products GROUP BY brand HAVING COUNT(*) > 1
