{{ config(execution_mode='batch') }}
select 1
