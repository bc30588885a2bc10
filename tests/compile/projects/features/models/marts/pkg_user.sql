{%- set n_models = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model') | list | length -%}
select {{ features_pkg.pkg_macro() }} as v, '{{ var("pkg_var", "none") }}' as pv, {{ n_models }} as n_models
from {{ ref('features_pkg', 'pkg_model') }}
