{% snapshot s %}select 1{% endsnapshot %}
