ALTER MATERIALIZED TABLE mt_totals RESUME WITH ('sink.parallelism' = '10')
