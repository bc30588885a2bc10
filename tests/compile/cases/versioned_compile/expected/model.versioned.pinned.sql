select a.id
from `default_catalog`.`default_database`.`dim_customers_v1` as a
join `default_catalog`.`default_database`.`dim_customers_v3` as b using (id)