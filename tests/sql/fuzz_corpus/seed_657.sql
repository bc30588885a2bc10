SELECT supplier_id, rating, COUNT(*)
FROM (VALUES ('supplier1', 'product1', 4), ('supplier2', 'product4', 4)) AS Products(supplier_id, product_id, rating)
GROUP BY ROLLUP (supplier_id, rating)
