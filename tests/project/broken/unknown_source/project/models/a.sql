select * from {{ source('raw', 'missing') }}
