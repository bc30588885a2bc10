CREATE TABLE enforced (id INT, PRIMARY KEY (id))
