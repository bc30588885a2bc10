INSERT INTO sink1 SELECT id, name FROM src
