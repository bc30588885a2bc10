
    
    
with child as (
    select who as from_field
    from (select * from `cat`.`db_marts`.`features` where 1 = 1) dbt_subquery
    where who is not null
),
parent as (
    select v as to_field
    from `cat`.`db_marts`.`pkg_user`
)
select
    from_field
from child
left join parent
    on child.from_field = parent.to_field
where parent.to_field is null

