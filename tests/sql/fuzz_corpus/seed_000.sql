CREATE TABLE orders (
  order_id STRING,
  customer_id INT,
  product_id STRING,
  price DECIMAL(10, 2),
  order_time TIMESTAMP(3),
  WATERMARK FOR order_time AS order_time - INTERVAL '5' SECOND
)
