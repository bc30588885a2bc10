SELECT user_id FROM Orders
