select distinct email from {{ ref('users') }}
where email not in (select email from {{ ref('emails') }})
