-- A connector-backed source: the faker connector generates sample order events.
{{ config(
    materialized='streaming_source',
    connector='faker',
    with={
      'rows-per-second': '1',
      'number-of-rows': '100',
      'fields.order_id.expression': '#{number.numberBetween ''1'',''1000000''}',
      'fields.price.expression': '#{number.randomDouble ''2'',''1'',''500''}',
    }
) }}

order_id BIGINT,
price DECIMAL(10, 2),
order_time TIMESTAMP(3),
WATERMARK FOR order_time AS order_time - INTERVAL '5' SECOND,
PRIMARY KEY(`order_id`) NOT ENFORCED
