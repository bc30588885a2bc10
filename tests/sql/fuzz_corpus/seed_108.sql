SELECT prise FROM orders
