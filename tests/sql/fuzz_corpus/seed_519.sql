CREATE VIEW v_src AS SELECT id, name FROM src
