with __dbt__cte__eph as (

select 1 as id
), __dbt__cte__eph_chain as (

select id + 1 as id from __dbt__cte__eph
)
select * from __dbt__cte__eph_chain