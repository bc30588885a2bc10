{{ config(materialized='table', tags=['nightly']) }}
{%- set cols = ['a', 'b'] -%}
select
  '{{ var("greeting") }}' as greeting,
  '{{ var("missing_with_default", "dflt") }}' as dflt,
  '{{ var("rendered_var") }}' as rendered,
  '{{ env_var("FEATURES_USER", "nobody") }}' as who,
  {{ cents_to_dollars('amount') }} as dollars,
  '{{ shout("hi") }}' as shouted,
  '{{ pick(cols) }}' as first_col,
  '{{ this }}' as me,
  '{{ this.schema }}' as my_schema,
  '{{ target.name }}/{{ target.database }}' as tgt,
  '{{ config.get("materialized") }}' as mat,
  '{{ local_md5("abc") }}' as md5,
  '{{ modules.re.sub("[0-9]+", "#", "a1b22") }}' as re_sub,
  '{{ tojson({"k": [1, 2]}) }}' as js,
  '{{ (fromjson('{"x": 3}'))["x"] }}' as fj,
  {% if execute %}'{{ project_name }}'{% else %}'parsing'{% endif %} as proj
from {{ ref('uses_eph') }}
