// The Flink SQL parser: text -> AST (ast.h). One call parses a script of `;`-separated statements
// or exactly one statement. Syntax errors come back as absl::Status (kInvalidArgument) whose
// message reads "syntax error at line L, column C: ..." and which carries a SourceLocation (no
// file name; the caller attaches its own) plus the byte offset (ParseErrorOffset).
//
// Pure functions, thread-safe; the returned trees own all their strings (no views into `sql`).
#ifndef FLINKDBT_SQL_PARSER_H_
#define FLINKDBT_SQL_PARSER_H_

#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "flinkdbt/sql/ast.h"

namespace flinkdbt::sql {

// Parses zero or more statements separated by semicolons (a trailing semicolon is fine).
absl::StatusOr<Script> ParseScript(std::string_view sql);

// Parses exactly one statement (an optional trailing semicolon is allowed).
absl::StatusOr<StatementPtr> ParseStatement(std::string_view sql);

// Parses one query (SELECT / VALUES / WITH / set operation).
absl::StatusOr<QueryPtr> ParseQuery(std::string_view sql);

// Parses one scalar expression.
absl::StatusOr<ExprPtr> ParseExpression(std::string_view sql);

// The byte offset of a syntax error returned by the functions above, if it has one.
std::optional<size_t> ParseErrorOffset(const absl::Status& status);

}  // namespace flinkdbt::sql

#endif  // FLINKDBT_SQL_PARSER_H_
