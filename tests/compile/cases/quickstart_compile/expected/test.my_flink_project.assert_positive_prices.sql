-- A singular data test: it passes when the query returns zero rows.
SELECT order_id, price
FROM `default_catalog`.`default_database`.`stg_orders`
WHERE price <= 0