SELECT id, product, qty FROM NestedOrders CROSS JOIN UNNEST(items) AS t (product, qty)
