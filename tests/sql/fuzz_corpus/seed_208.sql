SELECT 'abc FROM orders
