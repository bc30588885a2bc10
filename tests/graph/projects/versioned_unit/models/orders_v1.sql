select id from {{ ref('src_rows') }}
