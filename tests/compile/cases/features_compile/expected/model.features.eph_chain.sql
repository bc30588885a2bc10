
with __dbt__cte__eph as (

select 1 as id
)
select id + 1 as id from __dbt__cte__eph