select id, 3 as v from {{ ref('src_rows') }}
