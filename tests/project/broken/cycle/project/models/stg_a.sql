select * from {{ ref('int_b') }}
