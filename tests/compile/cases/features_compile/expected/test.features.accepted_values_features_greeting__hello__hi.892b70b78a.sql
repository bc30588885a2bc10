
    
    
with all_values as (
    select
        greeting as value_field,
        count(*) as n_records
    from `cat`.`db_marts`.`features`
    group by greeting
)
select *
from all_values
where value_field not in (
    'hello','hi'
)

