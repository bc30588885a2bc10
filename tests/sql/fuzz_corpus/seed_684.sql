SELECT `from`.`select` FROM (SELECT 1 AS `select`) AS `from`
