
    
    

select total_revenue
from `default_catalog`.`default_database`.`fct_revenue`
where total_revenue is null

