select 1 from {{ ref('users') }} having count(*) = 0
