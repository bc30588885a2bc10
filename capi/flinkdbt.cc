// The C ABI's implementation: a thin shim over the library. No C++ exception crosses it.
#include "flinkdbt/flinkdbt.h"

#include "flinkdbt/version.h"

extern "C" {

const char* flinkdbt_version(void) { return FLINKDBT_VERSION_STRING; }

int flinkdbt_abi_version(void) { return FLINKDBT_ABI_VERSION; }

}  // extern "C"
