select {{ features_pkg.pkg_macro() }} as v, '{{ var("pkg_var", "none") }}' as pv
from {{ ref('features_pkg', 'pkg_model') }}
