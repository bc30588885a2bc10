select '{{ env_var("DBT_ENV_SECRET_TOKEN") }}' as t
