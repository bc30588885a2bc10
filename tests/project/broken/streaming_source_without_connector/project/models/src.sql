{{ config(materialized='streaming_source') }}
id BIGINT
