{{ config(
    materialized='streaming_table',
    with={
      'changelog.mode': 'upsert',
    }
) }}

SELECT
  customer_id,
  SUM(price) AS total_spent,
  COUNT(*) AS order_count
FROM {{ ref('stg_orders') }}
GROUP BY customer_id
