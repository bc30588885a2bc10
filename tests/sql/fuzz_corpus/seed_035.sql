CREATE TABLE bad_type (a INT, b STRNG)
