// The sql/v1 wire format: decoding response bodies (Statement, StatementList, StatementResult,
// StatementExceptionList, Failure) with simdjson into the types of types.h, typed value decoding
// driven by `traits.schema`, and encoding of the request bodies and DataTypes (used by the REST
// client and by the emulator). Every decoder reports malformed, truncated or wrongly typed JSON as
// an absl::Status naming the field that was wrong; none of them crashes or throws on any input.
//
// ResultDecoder keeps a reusable parser, so one decoder must not be used from two threads at once;
// the free functions are thread-safe.
#ifndef FLINKDBT_CLIENT_WIRE_H_
#define FLINKDBT_CLIENT_WIRE_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "flinkdbt/client/types.h"

namespace flinkdbt {
class JsonWriter;
}

namespace flinkdbt::client {

absl::StatusOr<Statement> DecodeStatement(std::string_view json);

struct StatementListPage {
  std::vector<Statement> statements;
  std::string next_url;
  std::string next_token;  // "" when this is the last page
};
absl::StatusOr<StatementListPage> DecodeStatementList(std::string_view json);

absl::StatusOr<std::vector<StatementException>> DecodeExceptionList(std::string_view json);

// A decoded `Failure` body (or the other shapes the Confluent CLI reads).
struct ApiError {
  std::string id;
  std::string status;
  std::string code;
  std::string title;
  std::string detail;
};
// The human-readable message of an error body, read in the Confluent CLI's order: errors[0].detail
// (plus errors[0].resolution), then errors[0].title, then a top-level "message", then
// "error.message"; "" when the body holds none of them (or is not JSON).
std::string ErrorMessageFromBody(std::string_view body);
// errors[0].code ("" if absent).
std::string ErrorCodeFromBody(std::string_view body);

// Decodes one atomic or nested value of `type` from its JSON text (`"12.50"`, `null`, `[..]`).
absl::StatusOr<Value> DecodeValueJson(std::string_view json, const DataType& type);
// Decodes one atomic value from the server's string form (the wire always sends atomics as strings).
absl::StatusOr<Value> DecodeAtomic(std::string_view text, const DataType& type);
// The server's string form of an atomic value (the inverse of DecodeAtomic).
std::string EncodeAtomic(const Value& value);
// Appends the wire JSON of `value` (atomics as strings, nested values as arrays).
void EncodeValueJson(JsonWriter& out, const Value& value);

// Parses a DataType object (`{"type":"INTEGER","nullable":true,...}`).
absl::StatusOr<DataType> DecodeDataType(std::string_view json);
void EncodeDataType(JsonWriter& out, const DataType& type);

// Decodes result pages against a schema. Keeps simdjson's parser between calls (amortising its
// buffers), so decode every page of one statement with one decoder.
class ResultDecoder {
 public:
  ResultDecoder();
  ~ResultDecoder();
  ResultDecoder(const ResultDecoder&) = delete;
  ResultDecoder& operator=(const ResultDecoder&) = delete;

  // Decodes a StatementResult body. A row whose length differs from the schema's, a value of the
  // wrong JSON type, or an unparsable atomic is an error naming the row and column. With an empty
  // schema (a DDL statement, or a server that sent none) each value is kept as raw text.
  absl::StatusOr<ResultPage> Decode(std::string_view json, const std::vector<Column>& schema);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The `page_token` query parameter of a `metadata.next` URL ("" if there is none).
std::string PageTokenFromUrl(std::string_view url);

}  // namespace flinkdbt::client

#endif  // FLINKDBT_CLIENT_WIRE_H_
