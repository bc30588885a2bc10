SET 'sql.state-ttl' = '1 h'
