select * from {{ ref('features') }} where 1 = 0
