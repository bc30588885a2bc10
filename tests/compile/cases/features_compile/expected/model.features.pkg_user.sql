select 42 as v, 'none' as pv
from `cat`.`db`.`pkg_model`