{% set n = 'ghost' %}select * from {{ ref(n) }}
