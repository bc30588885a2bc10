(SELECT product FROM Orders UNION SELECT product FROM Orders) EXCEPT SELECT product FROM Orders
