// Civil-date arithmetic (proleptic Gregorian calendar, days counted from 1970-01-01), after Howard
// Hinnant's algorithms. Used by the engine's DATE/TIMESTAMP values and by the dbt context's
// `modules.datetime`. Pure functions, thread-safe.
#ifndef FLINKDBT_BASE_CIVIL_H_
#define FLINKDBT_BASE_CIVIL_H_

#include <cstdint>

namespace flinkdbt {

// Days since 1970-01-01 of year `y`, month `m` (1-12), day `d` (1-31); no range check.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
// The inverse: the year, month and day of day number `z`.
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d);

}  // namespace flinkdbt

#endif  // FLINKDBT_BASE_CIVIL_H_
