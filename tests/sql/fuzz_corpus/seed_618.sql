CREATE TABLE NestedOrders (id STRING, items ARRAY<ROW<product STRING, qty INT>>, tags ARRAY<STRING>, props MAP<STRING, STRING>)
