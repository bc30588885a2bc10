{{ config(materialized='ephemeral', tags=['base']) }}
select * from {{ ref('seed') }}
