select a.id
from {{ ref('dim_customers', v=1) }} as a
join {{ ref('dim_customers', version=3) }} as b using (id)
