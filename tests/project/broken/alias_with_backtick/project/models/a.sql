{{ config(alias='we`ird') }}
select 1
