
    
    

select customer_id
from `default_catalog`.`default_database`.`int_order_totals`
where customer_id is null

