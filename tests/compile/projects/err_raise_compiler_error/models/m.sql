{% if execute %}{{ exceptions.raise_compiler_error('bad model config') }}{% endif %}
select 1
