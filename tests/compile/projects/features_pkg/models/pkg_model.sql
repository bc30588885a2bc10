select '{{ var("pkg_var") }}' as pv
