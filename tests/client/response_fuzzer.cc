// libFuzzer target for the sql/v1 response decoders: the input is "<statement JSON>\0<result page
// JSON>" (or just one body). The statement's schema (traits or result_schema) types the page, so
// the fuzzer reaches every type decoder. Any input must give a value or an error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "flinkdbt/client/wire.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace flinkdbt::client;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t split = input.find('\0');
  std::string_view first = input.substr(0, split);
  std::string_view second = split == std::string_view::npos ? std::string_view() : input.substr(split + 1);

  auto statement = DecodeStatement(first);
  (void)DecodeStatementList(first);
  (void)DecodeExceptionList(first);
  (void)ErrorMessageFromBody(first);
  (void)ErrorCodeFromBody(first);
  (void)PageTokenFromUrl(first);
  auto type = DecodeDataType(first);
  if (type.ok()) {
    (void)type->ToSql();
    auto value = DecodeValueJson(second, *type);
    if (value.ok()) (void)value->ToString();
    (void)DecodeAtomic(second, *type);
  }
  ResultDecoder decoder;
  std::vector<Column> schema;
  if (statement.ok() && statement->traits) schema = statement->traits->schema;
  auto page = decoder.Decode(second.empty() ? first : second, schema);
  if (page.ok()) {
    for (const ResultRow& row : page->rows) {
      for (const Value& v : row.values) (void)v.ToString();
    }
  }
  return 0;
}
