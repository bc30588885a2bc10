CREATE VIEW stg_orders AS SELECT `order_id`, `customer_id`, `product_id`, `price`, `$rowtime` AS order_time FROM `examples`.`marketplace`.`orders`
