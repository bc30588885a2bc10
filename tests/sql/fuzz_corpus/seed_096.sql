SELECT email, SPLIT_INDEX(email, '@', 1) AS domain, REGEXP_EXTRACT(email, '^([^@]+)@', 1) AS local_part FROM examples.marketplace.customers
