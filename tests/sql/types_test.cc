// The Flink type system: parsing and printing, DECIMAL derivation, cast rules, common types.
#include "flinkdbt/sql/types.h"

#include "gtest/gtest.h"

namespace flinkdbt::sql {
namespace {

std::string Norm(const std::string& text) {
  auto t = ParseDataType(text);
  return t.ok() ? TypeToString(*t) : "error: " + std::string(t.status().message());
}

TEST(Types, ParseAndPrintAsFlinkDoes) {
  EXPECT_EQ(Norm("DECIMAL(10, 2)"), "DECIMAL(10, 2)");
  EXPECT_EQ(Norm("decimal"), "DECIMAL(10, 0)");
  EXPECT_EQ(Norm("TIMESTAMP(3) NOT NULL"), "TIMESTAMP(3) NOT NULL");
  EXPECT_EQ(Norm("TIMESTAMP"), "TIMESTAMP(6)");
  EXPECT_EQ(Norm("TIMESTAMP_LTZ(3)"), "TIMESTAMP_LTZ(3)");
  EXPECT_EQ(Norm("TIMESTAMP(3) WITH LOCAL TIME ZONE"), "TIMESTAMP_LTZ(3)");
  EXPECT_EQ(Norm("TIMESTAMP(3) *ROWTIME*"), "TIMESTAMP(3) *ROWTIME*");
  EXPECT_EQ(Norm("TIMESTAMP_LTZ(3) NOT NULL *PROCTIME*"), "TIMESTAMP_LTZ(3) NOT NULL *PROCTIME*");
  EXPECT_EQ(Norm("ROW<a INT, b STRING>"), "ROW<`a` INT, `b` STRING>");
  EXPECT_EQ(Norm("ROW(a INT NOT NULL, `b c` ARRAY<DOUBLE>)"), "ROW<`a` INT NOT NULL, `b c` ARRAY<DOUBLE>>");
  EXPECT_EQ(Norm("MAP<STRING, ARRAY<INT NOT NULL>>"), "MAP<STRING, ARRAY<INT NOT NULL>>");
  EXPECT_EQ(Norm("VARCHAR"), "STRING");
  EXPECT_EQ(Norm("VARCHAR(2147483647)"), "STRING");
  EXPECT_EQ(Norm("CHAR"), "CHAR(1)");
  EXPECT_EQ(Norm("VARBINARY"), "BYTES");
  EXPECT_EQ(Norm("BINARY(3)"), "BINARY(3)");
  EXPECT_EQ(Norm("INTEGER"), "INT");
  EXPECT_EQ(Norm("DOUBLE PRECISION"), "DOUBLE");
  EXPECT_EQ(Norm("TIME"), "TIME(0)");
  EXPECT_EQ(Norm("INT ARRAY"), "ARRAY<INT>");
  EXPECT_EQ(Norm("MULTISET<STRING>"), "MULTISET<STRING>");
  EXPECT_EQ(Norm("INTERVAL DAY(3) TO SECOND(3)"), "INTERVAL DAY(3) TO SECOND(3)");
  EXPECT_EQ(Norm("INTERVAL YEAR TO MONTH"), "INTERVAL YEAR(2) TO MONTH");
  EXPECT_EQ(Norm("NULL"), "NULL");
  EXPECT_NE(Norm("DECIMAL(39, 1)").find("error"), std::string::npos);
  EXPECT_NE(Norm("DECIMAL(5, 6)").find("error"), std::string::npos);
  EXPECT_NE(Norm("FOO").find("error"), std::string::npos);
  EXPECT_NE(Norm("INT extra").find("error"), std::string::npos);
}

TEST(Types, SqlStringOmitsTimeAttributes) {
  auto t = ParseDataType("TIMESTAMP(3) *ROWTIME*");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(TypeToSqlString(*t), "TIMESTAMP(3)");
  EXPECT_EQ(t->time_attribute, TimeAttribute::kRowtime);
}

TEST(Types, DecimalDerivationFollowsLogicalTypeMerging) {
  DataType d10_2 = DataType::Decimal(10, 2);
  DataType d5_3 = DataType::Decimal(5, 3);
  EXPECT_EQ(TypeToString(DecimalPlusMinus(d10_2, d5_3)), "DECIMAL(12, 3)");
  EXPECT_EQ(TypeToString(DecimalTimes(d10_2, d10_2)), "DECIMAL(21, 4)");
  EXPECT_EQ(TypeToString(DecimalDivide(d10_2, d10_2)), "DECIMAL(23, 13)");
  EXPECT_EQ(TypeToString(DecimalMod(d10_2, d5_3)), "DECIMAL(5, 3)");
  EXPECT_EQ(TypeToString(DecimalSum(d10_2)), "DECIMAL(38, 2)");
  EXPECT_EQ(TypeToString(DecimalAvg(d10_2)), "DECIMAL(38, 6)");
  EXPECT_EQ(TypeToString(DecimalAvg(DataType::Decimal(20, 10))), "DECIMAL(38, 10)");
  // Beyond 38 digits the scale shrinks, but keeps at least min(scale, 6).
  EXPECT_EQ(TypeToString(DecimalTimes(DataType::Decimal(38, 10), DataType::Decimal(38, 10))),
            "DECIMAL(38, 6)");
  EXPECT_EQ(TypeToString(DecimalDivide(DataType::Decimal(38, 2), DataType::Decimal(10, 0))),
            "DECIMAL(38, 6)");
  EXPECT_EQ(TypeToString(DecimalPlusMinus(DataType::Int(), DataType::Decimal(10, 2))), "DECIMAL(13, 2)");
  EXPECT_EQ(TypeToString(ToDecimal(DataType::BigInt(false))), "DECIMAL(19, 0) NOT NULL");
}

TEST(Types, CastRules) {
  DataType i = DataType::Int(), bi = DataType::BigInt(), s = DataType::String(), b = DataType::Boolean();
  DataType date = DataType::Date(), ts = DataType::Timestamp(3), ltz = DataType::TimestampLtz(3);
  EXPECT_TRUE(SupportsImplicitCast(i, bi));
  EXPECT_FALSE(SupportsImplicitCast(bi, i));
  EXPECT_TRUE(SupportsImplicitCast(i, DataType::Decimal(10, 0)));
  EXPECT_FALSE(SupportsImplicitCast(i, DataType::Decimal(5, 0)));
  EXPECT_TRUE(SupportsImplicitCast(i, DataType::Double()));
  EXPECT_TRUE(SupportsImplicitCast(DataType::Char(3), DataType::VarChar(5)));
  EXPECT_FALSE(SupportsImplicitCast(s, i));
  EXPECT_TRUE(SupportsImplicitCast(date, ts));
  EXPECT_TRUE(SupportsImplicitCast(DataType::Null(), b));
  EXPECT_TRUE(SupportsExplicitCast(s, i));
  EXPECT_TRUE(SupportsExplicitCast(i, s));
  EXPECT_TRUE(SupportsExplicitCast(s, ts));
  EXPECT_TRUE(SupportsExplicitCast(ts, ltz));
  EXPECT_TRUE(SupportsExplicitCast(ts, date));
  EXPECT_TRUE(SupportsExplicitCast(i, b));
  EXPECT_TRUE(SupportsExplicitCast(b, i));
  EXPECT_FALSE(SupportsExplicitCast(b, date));
  EXPECT_FALSE(SupportsExplicitCast(i, date));
  EXPECT_FALSE(SupportsExplicitCast(DataType::Array(i), i));
  EXPECT_TRUE(SupportsExplicitCast(DataType::Array(i), DataType::Array(bi)));
  EXPECT_FALSE(SupportsExplicitCast(DataType::Time(0), date));
}

TEST(Types, CommonTypes) {
  auto common = [](std::vector<DataType> ts) {
    auto c = FindCommonType(ts);
    return c ? TypeToString(*c) : std::string("none");
  };
  EXPECT_EQ(common({DataType::Int(false), DataType::BigInt(false)}), "BIGINT NOT NULL");
  EXPECT_EQ(common({DataType::Int(false), DataType::Null()}), "INT");
  EXPECT_EQ(common({DataType::Decimal(10, 2), DataType::Int()}), "DECIMAL(12, 2)");
  EXPECT_EQ(common({DataType::Decimal(10, 2), DataType::Double()}), "DOUBLE");
  EXPECT_EQ(common({DataType::Char(3, false), DataType::Char(3, false)}), "CHAR(3) NOT NULL");
  EXPECT_EQ(common({DataType::Char(3), DataType::Char(5)}), "VARCHAR(5)");
  EXPECT_EQ(common({DataType::Char(3), DataType::String()}), "STRING");
  EXPECT_EQ(common({DataType::Date(), DataType::Timestamp(3)}), "TIMESTAMP(3)");
  EXPECT_EQ(common({DataType::Timestamp(0), DataType::Timestamp(6)}), "TIMESTAMP(6)");
  EXPECT_EQ(common({DataType::Int(), DataType::String()}), "none");
  EXPECT_EQ(common({DataType::Boolean(), DataType::Int()}), "none");
  EXPECT_EQ(common({DataType::Array(DataType::Int()), DataType::Array(DataType::BigInt())}), "ARRAY<BIGINT>");
}

TEST(Types, DeclaredTypeMatches) {
  DataType rowtime = DataType::Timestamp(3, false);
  rowtime.time_attribute = TimeAttribute::kRowtime;
  EXPECT_TRUE(*DeclaredTypeMatches("timestamp(3)", rowtime));
  EXPECT_TRUE(*DeclaredTypeMatches("decimal(10,2)", DataType::Decimal(10, 2, false)));
  EXPECT_FALSE(*DeclaredTypeMatches("decimal(10,2)", DataType::Double()));
  EXPECT_TRUE(*DeclaredTypeMatches("string", DataType::VarChar(kMaxVarCharLength)));
  EXPECT_FALSE(*DeclaredTypeMatches("varchar(10)", DataType::String()));
  EXPECT_TRUE(*DeclaredTypeMatches("ROW<a INT>", DataType::Row({"a"}, {DataType::Int(false)})));
  EXPECT_FALSE(DeclaredTypeMatches("not a type", DataType::Int()).ok());
}

}  // namespace
}  // namespace flinkdbt::sql
