SELECT SUM(amount) FROM Orders GROUP BY product HAVING SUM(amount) > 50
