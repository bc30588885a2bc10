with __dbt__cte__eph as (

select 1 as id
), x as (select * from __dbt__cte__eph)
select * from x