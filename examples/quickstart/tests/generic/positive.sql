{# A custom generic data test: fails for every row whose column is zero or negative. #}
{% test positive(model, column_name) %}
SELECT {{ column_name }}
FROM {{ model }}
WHERE {{ column_name }} <= 0
{% endtest %}
