#include "flinkdbt/base/status.h"

#include <gtest/gtest.h>

namespace flinkdbt {
namespace {

TEST(StatusTest, LocationRoundTripsThroughPayload) {
  SourceLocation loc{"models/stg_orders.sql", 3, 14};
  absl::Status s = WithLocation(absl::InvalidArgumentError("unknown column 'prise'"), loc);
  ASSERT_TRUE(GetLocation(s).has_value());
  EXPECT_EQ(*GetLocation(s), loc);
  EXPECT_EQ(s.message(), "unknown column 'prise'");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
}

TEST(StatusTest, FileNamesWithNewlinesSurvive) {
  SourceLocation loc{"odd\nname.sql", 1, 2};
  absl::Status s = WithLocation(absl::InternalError("x"), loc);
  EXPECT_EQ(GetLocation(s)->file, "odd\nname.sql");
}

TEST(StatusTest, OkStatusCarriesNoLocation) {
  absl::Status s = WithLocation(absl::OkStatus(), {"f", 1, 1});
  EXPECT_TRUE(s.ok());
  EXPECT_FALSE(GetLocation(s).has_value());
  EXPECT_EQ(FormatDiagnostic(s), "");
}

TEST(StatusTest, FormatsDiagnosticWithLineAndCaret) {
  std::string source = "SELECT\n  order_id,\n  prise\nFROM orders\n";
  absl::Status s = InvalidInputError({"models/stg_orders.sql", 3, 3}, "unknown column 'prise'");
  EXPECT_EQ(FormatDiagnostic(s, source),
            "models/stg_orders.sql:3:3: error: unknown column 'prise'\n"
            "  3 |   prise\n"
            "    |   ^");
}

TEST(StatusTest, CaretCountsCodePointsAndKeepsTabs) {
  std::string source = "\tSELECT 'é', x";
  absl::Status s = InvalidInputError({"m.sql", 1, 14}, "bad");
  EXPECT_EQ(FormatDiagnostic(s, source),
            "m.sql:1:14: error: bad\n"
            "  1 | \tSELECT 'é', x\n"
            "    | \t            ^");
}

TEST(StatusTest, FormatsWithoutSourceOrLocation) {
  EXPECT_EQ(FormatDiagnostic(absl::NotFoundError("no such project")), "error: no such project");
  EXPECT_EQ(FormatDiagnostic(InvalidInputError({"dbt_project.yml", 0, 0}, "missing name")),
            "dbt_project.yml: error: missing name");
  EXPECT_EQ(FormatDiagnostic(InvalidInputError({"a.yml", 4, 0}, "bad"), std::string("x")),
            "a.yml:4: error: bad");
  EXPECT_EQ(FormatDiagnostic(InvalidInputError({"a.yml", 1, 1}, "w"), std::nullopt, "warning"),
            "a.yml:1:1: warning: w");
}

TEST(StatusTest, LineOfHandlesEdges) {
  EXPECT_EQ(LineOf("a\r\nb", 1), "a");
  EXPECT_EQ(LineOf("a\nb", 2), "b");
  EXPECT_FALSE(LineOf("a\n", 2).has_value());
  EXPECT_FALSE(LineOf("a", 0).has_value());
  EXPECT_FALSE(LineOf("a", 3).has_value());
}

TEST(StatusTest, LocationOfOffsetCountsCodePoints) {
  std::string text = "ab\nçd€x";
  SourceLocation loc = LocationOfOffset(text, text.find('x'), "f");
  EXPECT_EQ(loc, (SourceLocation{"f", 2, 4}));
  EXPECT_EQ(LocationOfOffset(text, 0).line, 1);
  EXPECT_EQ(LocationOfOffset(text, 1000).line, 2);
}

absl::StatusOr<int> Half(int x) {
  if (x % 2 != 0) return absl::InvalidArgumentError("odd");
  return x / 2;
}

absl::StatusOr<int> Quarter(int x) {
  FLINKDBT_ASSIGN_OR_RETURN(int h, Half(x));
  FLINKDBT_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

absl::Status CheckEven(int x) {
  FLINKDBT_RETURN_IF_ERROR(Half(x).status());
  return absl::OkStatus();
}

TEST(StatusTest, Macros) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_FALSE(Quarter(6).ok());
  EXPECT_TRUE(CheckEven(2).ok());
  EXPECT_EQ(CheckEven(3).message(), "odd");
}

}  // namespace
}  // namespace flinkdbt
