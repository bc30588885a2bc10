SELECT product_id FROM examples.marketplace.orders INTERSECT SELECT product_id FROM examples.marketplace.products
