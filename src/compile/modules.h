// The dbt context's `modules` (datetime, pytz, itertools; `re` stays in context.cc) and the
// datetime object `run_started_at` is. Private to the compile layer.
//
// Datetimes are UTC-only (pytz.utc / datetime.timezone.utc; naive values are treated as UTC wall
// time): strftime (incl. %f), strptime (incl. %f and a UTC %z), isoformat, astimezone, replace, date,
// timestamp, the field attributes, str() as Python prints it. Python's operators: datetime/date ±
// timedelta, datetime - datetime, date - date, timedelta + - * / // % (ints, floats, timedeltas),
// ordering and equality within one type (naive and aware datetimes are unordered), hashing
// consistent with equality; timedelta() normalised exactly as CPython. tests/compile/datetime_test.cc
// compares them with CPython's results.
#ifndef FLINKDBT_SRC_COMPILE_MODULES_H_
#define FLINKDBT_SRC_COMPILE_MODULES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "flinkdbt/jinja/value.h"

namespace flinkdbt::compile {

// modules.datetime / modules.pytz / modules.itertools (nullopt-like undefined for other names).
jinja::Value DatetimeModule();
jinja::Value PytzModule();
jinja::Value ItertoolsModule();

// An aware UTC datetime for an ISO-8601 text ("2026-11-28T09:52:57.123456Z"); the current time when
// `iso` is empty or unreadable.
jinja::Value MakeUtcDatetime(std::string_view iso);

}  // namespace flinkdbt::compile

#endif  // FLINKDBT_SRC_COMPILE_MODULES_H_
