{# The project's macro library: a price band used by models and tests alike. #}
{% macro price_band(column, high=100) -%}
  CASE WHEN {{ column }} >= {{ high }} THEN 'high' ELSE 'standard' END
{%- endmacro %}
