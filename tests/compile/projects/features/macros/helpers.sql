{% macro cents_to_dollars(col) -%}
  ({{ col }} / 100)
{%- endmacro %}

{% macro local__shout(x) -%}
  {{ x | upper }}!
{%- endmacro %}

{% macro default__shout(x) -%}
  {{ x }}
{%- endmacro %}

{% macro shout(x) -%}
  {{ return(adapter.dispatch('shout')(x)) }}
{%- endmacro %}

{% macro pick(items) -%}
  {% do return(items | first) %}
{%- endmacro %}
