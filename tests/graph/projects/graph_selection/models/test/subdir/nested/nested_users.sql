select 1 as id from {{ ref('users') }}
