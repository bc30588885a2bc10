select {{ var('not_set') }} as v
