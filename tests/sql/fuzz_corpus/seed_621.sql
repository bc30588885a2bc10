SELECT * FROM Orders INNER JOIN Shipments ON Orders.order_id = Shipments.order_id
