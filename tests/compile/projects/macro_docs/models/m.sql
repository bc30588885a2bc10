select {{ cents_to_dollars('amount') }} as dollars from (select 250 as amount) t
