{{ config(materialized='ephemeral') }}
select id + 1 as id from {{ ref('eph') }}
