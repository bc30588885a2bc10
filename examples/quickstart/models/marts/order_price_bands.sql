-- A `table`: a one-off snapshot (CTAS in snapshot_ddl mode) of the connector-backed source, with a
-- price band from the project's macro library. Stateless: a re-run skips it after the drift check;
-- --full-refresh drops and recreates it.
{{ config(materialized='table') }}

SELECT
  order_id,
  price,
  {{ price_band('price') }} AS price_band
FROM {{ ref('src_orders') }}
