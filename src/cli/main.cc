#include <cstdio>

#include "flinkdbt/flinkdbt.h"

int main() {
  std::printf("flinkdbt %s\n", flinkdbt_version());
  return 0;
}
