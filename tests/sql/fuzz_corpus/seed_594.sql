ALTER MATERIALIZED TABLE mt_totals AS SELECT name, SUM(amount) AS total, COUNT(*) AS n FROM src GROUP BY name
