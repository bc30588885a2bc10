select * from {{ ref('eph_chain') }}
