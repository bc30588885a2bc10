SELECT *
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY `$rowtime` DESC) AS rownum
  FROM examples.marketplace.orders
)
WHERE rownum = 1
