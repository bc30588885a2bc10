CREATE VIEW v AS SELECT * FROM no_such_view
