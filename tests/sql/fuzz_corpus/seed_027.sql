CREATE TABLE computed_cols (
  price DOUBLE,
  qty INT,
  total AS price * qty,
  price_str AS CAST(price AS STRING),
  upper_name AS UPPER('x')
)
