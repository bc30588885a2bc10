{{ config(enabled='yes') }}
select 1
