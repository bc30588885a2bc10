SELECT o.order_id FROM Orders /*+ OPTIONS('scan.startup.mode' = 'earliest-offset') */ AS o
