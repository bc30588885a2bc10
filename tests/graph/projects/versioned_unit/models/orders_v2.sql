select id, 2 as v from {{ ref('src_rows') }}
