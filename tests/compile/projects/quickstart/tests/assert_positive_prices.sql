-- A singular data test: it passes when the query returns zero rows.
SELECT order_id, price
FROM {{ ref('stg_orders') }}
WHERE price <= 0
