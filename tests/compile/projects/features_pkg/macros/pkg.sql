{% macro pkg_macro() -%}
  42
{%- endmacro %}
