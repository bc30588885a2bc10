CREATE TABLE my_catalog.my_db.three_part (a INT)
