SELECT SUBSTR(status) FROM orders
