{% macro m1(a) %}{{ a }}{% endmacro %}
