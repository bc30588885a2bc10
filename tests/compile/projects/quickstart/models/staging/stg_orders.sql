SELECT
  `order_id`,
  `customer_id`,
  `product_id`,
  `price`,
  `$rowtime` AS order_time
FROM {{ source('marketplace', 'orders') }}
