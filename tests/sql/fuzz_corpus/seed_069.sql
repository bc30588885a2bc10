SELECT order_id,
  COUNT(*) OVER w AS cnt,
  AVG(price) OVER w AS avg_price
FROM examples.marketplace.orders
WINDOW w AS (PARTITION BY customer_id ORDER BY `$rowtime` ROWS BETWEEN 5 PRECEDING AND CURRENT ROW)
