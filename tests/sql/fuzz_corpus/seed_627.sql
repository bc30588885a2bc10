SELECT o.amount, o.currency, r.conversion_rate, o.amount * r.conversion_rate AS converted
FROM Orders AS o
JOIN currency_rates FOR SYSTEM_TIME AS OF o.proctime AS r
ON r.currency = o.currency
