CREATE TABLE Shipments (id STRING, order_id STRING, ship_time TIMESTAMP(3), WATERMARK FOR ship_time AS ship_time)
