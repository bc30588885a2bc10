SELECT * FROM Orders o JOIN (Shipments s JOIN Customers c ON s.id = c.name) ON o.order_id = s.order_id
