module flinkdbt

go 1.19
