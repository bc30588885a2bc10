CREATE TABLE bad_computed (qty INT, t AS qty2 * 2)
