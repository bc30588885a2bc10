SELECT CASE WHEN is_paid THEN price ELSE order_time END FROM orders
