SELECT * FORM orders
