
    
    

select price
from `default_catalog`.`default_database`.`stg_orders`
where price is null

