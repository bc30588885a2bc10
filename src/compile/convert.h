// Conversions between project::Value (YAML/config data) and jinja::Value (template values).
#ifndef FLINKDBT_SRC_COMPILE_CONVERT_H_
#define FLINKDBT_SRC_COMPILE_CONVERT_H_

#include "flinkdbt/jinja/value.h"
#include "flinkdbt/project/value.h"

namespace flinkdbt::compile {

jinja::Value ToJinja(const project::Value& v);
project::Value FromJinja(const jinja::Value& v);

}  // namespace flinkdbt::compile

#endif  // FLINKDBT_SRC_COMPILE_CONVERT_H_
