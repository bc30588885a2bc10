
    
    

select order_id
from `default_catalog`.`default_database`.`stg_orders`
where order_id is null

