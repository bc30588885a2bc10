select 42 as v, 'none' as pv, 7 as n_models
from `cat`.`db`.`pkg_model`