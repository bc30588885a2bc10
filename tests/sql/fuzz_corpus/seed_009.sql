CREATE TABLE IF NOT EXISTS events (
  id STRING,
  payload ROW<kind STRING, amount DOUBLE>,
  tags ARRAY<STRING>,
  attrs MAP<STRING, STRING>,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts
)
