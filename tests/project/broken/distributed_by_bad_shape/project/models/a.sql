{{ config(materialized='table', distributed_by={'columns': []}) }}
select 1
