SELECT info.street FROM orders
