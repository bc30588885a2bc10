#include "flinkdbt/base/json_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace flinkdbt {
namespace {

TEST(JsonQuoteTest, EscapesEveryControlCharacter) {
  for (int c = 0; c < 0x20; ++c) {
    std::string in(1, static_cast<char>(c));
    std::string out = JsonQuote(in);
    for (char ch : out) EXPECT_GE(static_cast<unsigned char>(ch), 0x20) << "char " << c;
  }
  EXPECT_EQ(JsonQuote(std::string("\0", 1)), "\"\\u0000\"");
  EXPECT_EQ(JsonQuote("\x1f"), "\"\\u001f\"");
  EXPECT_EQ(JsonQuote("\x7f"), "\"\\u007f\"");
  EXPECT_EQ(JsonQuote("a\"b\\c\n\r\t\b\f"), R"("a\"b\\c\n\r\t\b\f")");
  EXPECT_EQ(JsonQuote("/"), "\"/\"");
}

TEST(JsonQuoteTest, EscapesNonAsciiAsPythonDoes) {
  EXPECT_EQ(JsonQuote("é"), R"("\u00e9")");
  EXPECT_EQ(JsonQuote("€"), R"("\u20ac")");
  EXPECT_EQ(JsonQuote("😀"), R"("\ud83d\ude00")");
  EXPECT_EQ(JsonQuote("\u2028"), R"("\u2028")");
  EXPECT_EQ(JsonQuote("é😀", /*ensure_ascii=*/false), "\"é😀\"");
}

TEST(JsonQuoteTest, MalformedUtf8BecomesReplacementCharacter) {
  EXPECT_EQ(JsonQuote("a\xff" "b"), R"("a\ufffdb")");
  EXPECT_EQ(JsonQuote("\xc3"), R"("\ufffd")");                 // truncated
  EXPECT_EQ(JsonQuote("\xc0\xaf"), R"("\ufffd\ufffd")");       // overlong
  EXPECT_EQ(JsonQuote("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");  // surrogate
  EXPECT_EQ(JsonQuote("\xf4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");  // > U+10FFFF
  EXPECT_EQ(JsonQuote("\xe2\x82" "x"), R"("\ufffdx")");
  EXPECT_EQ(JsonQuote("\xff", false), "\"\xef\xbf\xbd\"");
}

TEST(FormatDoubleTest, ShortestRoundTripInPythonReprStyle) {
  EXPECT_EQ(FormatDoubleShortest(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatDoubleShortest(1e-7), "1e-07");
  EXPECT_EQ(FormatDoubleShortest(100.0), "100.0");
  EXPECT_EQ(FormatDoubleShortest(0.0001), "0.0001");
  EXPECT_EQ(FormatDoubleShortest(1e16), "1e+16");
  EXPECT_EQ(FormatDoubleShortest(1234567890123456.0), "1234567890123456.0");
  EXPECT_EQ(FormatDoubleShortest(-2.5), "-2.5");
  EXPECT_EQ(FormatDoubleShortest(-0.0), "-0.0");
  EXPECT_EQ(FormatDoubleShortest(1.5e300), "1.5e+300");
  EXPECT_EQ(FormatDoubleShortest(5e-324), "5e-324");
  EXPECT_EQ(FormatDoubleShortest(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(FormatDoubleShortest(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(FormatDoubleShortest(std::nan("")), "nan");
  for (double d : {0.1, 1.0 / 3, 2.0 / 3, 123.456, 9007199254740993.0, 1e-300, 6.02214076e23}) {
    EXPECT_EQ(std::stod(FormatDoubleShortest(d)), d);
  }
}

TEST(JsonWriterTest, CompactDocument) {
  JsonWriter w;
  w.BeginObject()
      .Field("name", "stg_orders")
      .Field("n", 3)
      .Field("ok", true)
      .Key("nothing").Null()
      .Field("t", 0.5)
      .Key("list").BeginArray().Int(-1).Uint(18446744073709551615u).String("é").EndArray()
      .Key("empty").BeginObject().EndObject()
      .EndObject();
  auto s = w.TakeString();
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(*s,
            R"({"name":"stg_orders","n":3,"ok":true,"nothing":null,"t":0.5,"list":[-1,18446744073709551615,"\u00e9"],"empty":{}})");
}

TEST(JsonWriterTest, PrettyPrints) {
  JsonWriter w({.indent = 2});
  w.BeginObject().Key("a").BeginArray().Int(1).Int(2).EndArray().Key("b").BeginArray().EndArray().EndObject();
  EXPECT_EQ(*w.TakeString(), "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": []\n}");
}

TEST(JsonWriterTest, NonFiniteDoublesAreNull) {
  JsonWriter w;
  w.BeginArray().Double(std::numeric_limits<double>::infinity()).Double(std::nan("")).EndArray();
  EXPECT_EQ(*w.TakeString(), "[null,null]");
}

TEST(JsonWriterTest, NestingErrorsAreReported) {
  {
    JsonWriter w;
    w.BeginObject().Int(1);
    EXPECT_FALSE(w.ok());
    EXPECT_FALSE(w.TakeString().ok());
  }
  {
    JsonWriter w;
    w.BeginArray().Key("x");
    EXPECT_FALSE(w.ok());
  }
  {
    JsonWriter w;
    w.BeginArray();
    EXPECT_FALSE(w.TakeString().ok());  // incomplete
  }
  {
    JsonWriter w;
    w.EndObject();
    EXPECT_FALSE(w.ok());
  }
  {
    JsonWriter w;
    w.Int(1).Int(2);
    EXPECT_FALSE(w.ok());
  }
  {
    JsonWriter w;
    w.BeginObject().Key("k").EndObject();
    EXPECT_FALSE(w.ok());
  }
}

}  // namespace
}  // namespace flinkdbt
