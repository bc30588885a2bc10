select * from {{ ref('other_pkg', 'a') }}
