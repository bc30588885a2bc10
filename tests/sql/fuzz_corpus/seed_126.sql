INSERT INTO orders SELECT order_id, customer_id, price, qty, status, is_paid, tags, attrs, info, order_time, plain_ts FROM orders
