SELECT my_udf(id) AS x FROM src
