

SELECT
  customer_id,
  SUM(price) AS total_spent,
  COUNT(*) AS order_count
FROM `default_catalog`.`default_database`.`stg_orders`
GROUP BY customer_id