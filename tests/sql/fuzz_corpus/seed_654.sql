SELECT product, COUNT(*) FROM Orders GROUP BY product
