with x as (select * from {{ ref('eph') }})
select * from x
