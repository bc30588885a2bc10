// The SQL printer: AST (ast.h) -> Flink SQL text that parses back to the same tree (equal Dump()).
// Output is canonical rather than a copy of the input: keywords upper-case, single spaces, the
// parentheses precedence needs (and around set-operation operands that need them), identifiers
// backtick-quoted exactly when they were written quoted, types in Flink's printed form.
// Pure functions, thread-safe.
#ifndef FLINKDBT_SQL_PRINTER_H_
#define FLINKDBT_SQL_PRINTER_H_

#include <string>
#include <string_view>

#include "flinkdbt/sql/ast.h"

namespace flinkdbt::sql {

std::string ToSql(const Statement& statement);
std::string ToSql(const Query& query);
std::string ToSql(const Expr& expr);
std::string ToSql(const Script& script);  // statements joined with ";\n"

// `name` in backticks (doubling embedded backticks).
std::string QuoteIdentifier(std::string_view name);
// `text` as a SQL string literal ('it''s').
std::string QuoteString(std::string_view text);

}  // namespace flinkdbt::sql

#endif  // FLINKDBT_SQL_PRINTER_H_
