SELECT order_id, EXTRACT(HOUR FROM `$rowtime`) AS h FROM examples.marketplace.orders
