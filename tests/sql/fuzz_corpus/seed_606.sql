INSERT INTO sink1 SELECT id, name, amount FROM src
