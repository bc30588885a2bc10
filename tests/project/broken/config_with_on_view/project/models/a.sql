{{ config(materialized='view', with={'k': 'v'}) }}
select 1
