SELECT * FROM Orders FULL OUTER JOIN Shipments ON Orders.order_id = Shipments.order_id
