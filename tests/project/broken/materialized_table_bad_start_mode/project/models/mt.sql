{{ config(materialized='materialized_table', start_mode='FROM_YESTERDAY') }}
select 1
