select
  'hello' as greeting,
  'dflt' as dflt,
  'rendered' as rendered,
  'alice' as who,
  (amount / 100) as dollars,
  'HI!' as shouted,
  'a' as first_col,
  '`cat`.`db_marts`.`features`' as me,
  'db_marts' as my_schema,
  'dev/cat' as tgt,
  'table' as mat,
  '900150983cd24fb0d6963f7d28e17f72' as md5,
  'a#b#' as re_sub,
  '{"k": [1, 2]}' as js,
  '3' as fj,
  'features' as proj
from `cat`.`db`.`uses_eph`