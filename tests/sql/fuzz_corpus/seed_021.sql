CREATE OR REPLACE TABLE replaced DISTRIBUTED BY HASH(order_id) INTO 2 BUCKETS AS SELECT order_id, customer_id FROM orders
