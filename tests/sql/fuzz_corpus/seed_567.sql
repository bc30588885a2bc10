DROP TABLE IF EXISTS mycat.mydb.src2
