// modules.datetime against CPython: datetime_cases.tsv holds expressions and what Python's datetime
// module prints for them (written by gen_datetime_cases.py); each is rendered as `{{ EXPR }}` here.
#include <fstream>
#include <string>

#include "compile/modules.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/jinja/environment.h"
#include "gtest/gtest.h"

namespace flinkdbt::compile {
namespace {

TEST(DatetimeModuleTest, MatchesPython) {
  jinja::Environment env;
  env.AddGlobal("datetime", DatetimeModule());
  std::ifstream in(FLINKDBT_SOURCE_DIR "/tests/compile/datetime_cases.tsv");
  ASSERT_TRUE(in.good());
  std::string line;
  int cases = 0;
  while (std::getline(in, line)) {
    size_t tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos) << line;
    std::string expr = line.substr(0, tab), want = line.substr(tab + 1);
    ++cases;
    auto tmpl = env.Parse("{{ " + expr + " }}", "case");
    ASSERT_TRUE(tmpl.ok()) << expr << ": " << tmpl.status();
    auto got = env.Render(**tmpl, jinja::Value::Dict());
    if (want.rfind("!", 0) == 0) {
      ASSERT_FALSE(got.ok()) << expr << " gave " << *got;
      std::string message(ToStd(got.status().message()));
      EXPECT_EQ(message.substr(0, want.size() - 1), want.substr(1)) << expr;
      continue;
    }
    ASSERT_TRUE(got.ok()) << expr << ": " << got.status();
    EXPECT_EQ(*got, want) << expr;
  }
  EXPECT_GT(cases, 90);
}

}  // namespace
}  // namespace flinkdbt::compile
