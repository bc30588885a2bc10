// The abstract syntax tree of Flink SQL (the dialect Confluent Cloud for Apache Flink speaks), as the
// parser (parser.h) builds it, the printer (printer.h) prints it, the checker (checker.h) annotates
// it and the embedded engine executes it.
//
// Shape: a Script holds Statements; a Statement is one of the DDL/DML/query kinds; queries are
// Query trees (SELECT / set operation / VALUES, each with optional WITH, ORDER BY, LIMIT, OFFSET);
// FROM clauses are TableRef trees; expressions are Expr trees. Every node carries a Span: byte
// offsets [begin, end) into the parsed text plus the 1-based line and code-point column of `begin`.
// Nodes are tagged structs (a `kind` plus the fields that kind uses, documented per kind) owned
// through std::unique_ptr; parentheses are not nodes (the printer re-inserts what precedence needs).
//
// After checking, Expr::type holds each expression's resolved Flink type and Query::output_schema
// each query's output columns; the parser leaves them empty. A parsed tree is immutable by
// convention once checked and safe to read from several threads.
#ifndef FLINKDBT_SQL_AST_H_
#define FLINKDBT_SQL_AST_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flinkdbt/base/small_pool.h"
#include "flinkdbt/sql/types.h"

namespace flinkdbt::sql {

// AST nodes (Expr, ExprDetail, Query, Select, TableRef, Statement) are allocated through base's
// per-thread small-block pool: parsing allocates and frees many nodes.
#define FLINKDBT_SQL_POOLED_NODE FLINKDBT_POOLED_ALLOCATION

// Where a node came from in the SQL text.
struct Span {
  uint32_t begin = 0;  // byte offset of the first character
  uint32_t end = 0;    // byte offset one past the last character
  int line = 0;        // 1-based line of `begin` (0: synthesized node)
  int column = 0;      // 1-based code-point column of `begin`
};

// An identifier as written: `quoted` is true for backtick identifiers (case preserved, any
// characters, e.g. `$rowtime`). Flink identifiers are case-sensitive either way; keywords are not.
struct Identifier {
  std::string name;
  bool quoted = false;
  Span span;
};

// A one- to three-part object name: [catalog.][database.]object.
struct ObjectName {
  std::vector<Identifier> parts;
  Span span;
  std::string ToString() const;  // parts joined with '.', each backtick-quoted when needed
};

struct Expr;
struct Query;
struct TableRef;
struct Statement;
using ExprPtr = std::unique_ptr<Expr>;
using QueryPtr = std::unique_ptr<Query>;
using TableRefPtr = std::unique_ptr<TableRef>;
using StatementPtr = std::unique_ptr<Statement>;

// ---------------------------------------------------------------------------------------------
// Expressions

enum class ExprKind {
  kLiteral,         // literal
  kColumnRef,       // names: 1..n parts (column, table.column, table.column.field, ...)
  kStar,            // names: qualifier parts (empty for a bare *)
  kUnary,           // op, args[0]
  kBinary,          // op, args[0], args[1]
  kIsPredicate,     // is_test, negated, args[0]
  kBetween,         // negated, symmetric, args = {value, low, high}
  kInList,          // negated, args = {value, item...}
  kInSubquery,      // negated, args = {value}, subquery
  kExists,          // subquery
  kScalarSubquery,  // subquery
  kQuantified,      // op (comparison), quantifier, args = {value}, subquery: x > ALL (SELECT ...)
  kLike,            // negated, similar (SIMILAR TO), args = {value, pattern[, escape]}
  kCase,            // args[0] = operand or null; when_then pairs in `args` from index 1; else_expr
  kCast,            // try_cast, args[0], cast_type
  kFunction,        // function call, see FunctionSyntax; name; args; distinct; star_arg; filter; over
  kInterval,        // interval literal: literal.text = value, negated sign, interval qualifier
  kArray,           // ARRAY[args...]
  kMap,             // MAP[k1, v1, ...]
  kRow,             // ROW(args...) or (a, b, ...) implicit row (implicit_row)
  kSubscript,       // args[0][args[1]]
  kFieldAccess,     // args[0].field (field in names[0]) when the base is not a plain name
  kDescriptor,      // DESCRIPTOR(names...) (window TVF argument)
  kTableArg,        // TABLE name [PARTITION BY args...] [ORDER BY ...] (window TVF argument)
  kParameter,       // ? placeholder
};

enum class LiteralKind {
  kNull,
  kTrue,
  kFalse,
  kUnknown,       // UNKNOWN (boolean unknown)
  kInteger,       // exact numeric without a point: text as written
  kDecimal,       // exact numeric with a point: text as written
  kDouble,        // approximate numeric (with an exponent): text as written
  kString,        // character string: text is the decoded value
  kBinary,        // X'...': text is the hex digits as written
  kDate,          // DATE '...': text is the string value
  kTime,          // TIME '...'
  kTimestamp,     // TIMESTAMP '...'
  kTimestampLtz,  // TIMESTAMP_LTZ '...' / TIMESTAMP WITH LOCAL TIME ZONE '...'
};

struct Literal {
  LiteralKind kind = LiteralKind::kNull;
  std::string text;
};

// Units of INTERVAL qualifiers, EXTRACT, FLOOR/CEIL ... TO, TIMESTAMPADD/DIFF.
enum class TimeUnit {
  kNone,
  kYear,
  kQuarter,
  kMonth,
  kWeek,
  kDay,
  kHour,
  kMinute,
  kSecond,
  kMillisecond,
  kMicrosecond,
  kNanosecond,
  kDoy,
  kDow,
  kIsoDow,
  kIsoYear,
  kEpoch,
  kDecade,
  kCentury,
  kMillennium,
};
const char* TimeUnitName(TimeUnit unit);

struct IntervalQualifier {
  TimeUnit start = TimeUnit::kNone;
  int start_precision = -1;        // -1: not written
  TimeUnit end = TimeUnit::kNone;  // kNone: single-unit qualifier
  int fractional_precision = -1;
  bool plural = false;  // written MINUTES/SECONDS/... (Flink accepts both)
};

enum class IsTest {
  kNull,
  kTrue,
  kFalse,
  kUnknown,
  kDistinctFrom,  // args = {a, b}
  kJson,          // IS JSON [json_type]
};

enum class Quantifier { kAll, kAny, kSome };

// Calls with their own syntax beyond name(args): the parser records which one so the printer
// can reproduce it and the engine knows the argument layout.
enum class FunctionSyntax {
  kPlain,        // name(args) / name(DISTINCT args) / name(*)
  kNiladic,      // CURRENT_TIMESTAMP, LOCALTIMESTAMP, CURRENT_DATE, ... (no parentheses)
  kExtract,      // EXTRACT(unit FROM args[0])
  kPosition,     // POSITION(args[0] IN args[1])
  kTrim,         // TRIM([trim_spec] [args[1]] FROM args[0]); args[1] absent: blank
  kSubstring,    // SUBSTRING(args[0] FROM args[1] [FOR args[2]])
  kOverlay,      // OVERLAY(args[0] PLACING args[1] FROM args[2] [FOR args[3]])
  kFloorCeilTo,  // FLOOR/CEIL(args[0] TO unit)
  kUnitFirst,    // TIMESTAMPADD/TIMESTAMPDIFF(unit, args...)
  kJson,         // JSON_VALUE/QUERY/EXISTS/OBJECT/ARRAY/...: see json_* fields
};

// One ON EMPTY / ON ERROR / ON NULL behaviour of a JSON function, e.g. "DEFAULT <expr>", "NULL",
// "ERROR", "EMPTY ARRAY", "TRUE"; `keyword` is the behaviour's keywords upper-cased.
struct JsonBehavior {
  std::string keyword;
  ExprPtr default_value;  // for DEFAULT
  std::string target;     // "EMPTY", "ERROR" or "NULL" (ON ...)
};

struct OrderItem {
  ExprPtr expr;
  bool descending = false;
  bool explicit_direction = false;  // ASC/DESC written
  int nulls = 0;                    // 0 not written, 1 NULLS FIRST, 2 NULLS LAST
  Span span;
};

enum class FrameUnit { kNone, kRows, kRange };
enum class FrameBoundKind { kUnboundedPreceding, kPreceding, kCurrentRow, kFollowing, kUnboundedFollowing };
struct FrameBound {
  FrameBoundKind kind = FrameBoundKind::kCurrentRow;
  ExprPtr offset;  // for kPreceding / kFollowing
};

// OVER (...) or OVER name.
struct WindowSpec {
  std::optional<Identifier> reference;  // OVER w  or  OVER (w ...)
  std::vector<ExprPtr> partition_by;
  std::vector<OrderItem> order_by;
  FrameUnit frame_unit = FrameUnit::kNone;
  bool frame_between = false;  // BETWEEN a AND b (else only start)
  FrameBound frame_start;
  FrameBound frame_end;
  bool parenthesized = true;  // false for OVER name
  Span span;
};

// Fields only some expression kinds use (function calls, casts, subqueries, CASE, intervals, TVF
// arguments), kept out of line so the common nodes (names, literals, operators) stay small. The
// parser allocates it for kFunction, kCast, kInterval, kCase, kInSubquery, kExists,
// kScalarSubquery, kQuantified, kTableArg and kIsPredicate; it is null for the other kinds.
struct ExprDetail {
  FLINKDBT_SQL_POOLED_NODE
  std::string json_type;  // kIsPredicate: IS JSON VALUE|SCALAR|ARRAY|OBJECT (empty: none written)
  Quantifier quantifier = Quantifier::kAll;  // kQuantified
  QueryPtr subquery;                         // kInSubquery, kExists, kScalarSubquery, kQuantified
  ExprPtr else_expr;                         // kCase
  DataType cast_type;                        // kCast; kFunction JSON_VALUE ... RETURNING
  bool has_returning = false;
  IntervalQualifier interval;  // kInterval

  // kFunction
  ObjectName function_name;  // 1-3 parts; upper-case comparison for built-ins
  FunctionSyntax syntax = FunctionSyntax::kPlain;
  bool distinct = false;               // COUNT(DISTINCT x)
  bool all_qualifier = false;          // COUNT(ALL x)
  bool star_arg = false;               // COUNT(*)
  std::vector<std::string> arg_names;  // named arguments (name => value); empty or parallel to args
  TimeUnit unit = TimeUnit::kNone;     // kExtract, kFloorCeilTo, kUnitFirst
  std::string trim_spec;               // BOTH / LEADING / TRAILING (empty: not written)
  bool trim_has_from = false;
  ExprPtr filter;                       // agg(x) FILTER (WHERE filter)
  std::vector<OrderItem> within_group;  // LISTAGG(...) WITHIN GROUP (ORDER BY ...)
  std::unique_ptr<WindowSpec> over;     // OVER window
  std::string prefix;                   // MATCH_RECOGNIZE RUNNING / FINAL
  // JSON functions: `json_key_keyword[i]` is true when pair i of JSON_OBJECT was written with KEY;
  // `json_pairs` is true for JSON_OBJECT's key/value layout (args alternate key, value).
  bool json_pairs = false;
  std::vector<bool> json_key_keyword;
  std::string json_wrapper;  // e.g. "WITH CONDITIONAL ARRAY WRAPPER"
  std::vector<JsonBehavior> json_behaviors;

  // kTableArg
  std::vector<OrderItem> table_order_by;
};

struct Expr {
  FLINKDBT_SQL_POOLED_NODE
  ExprKind kind = ExprKind::kLiteral;
  Span span;

  Literal literal;                // kLiteral, kInterval (value text)
  std::vector<Identifier> names;  // kColumnRef, kStar, kFieldAccess, kDescriptor, kTableArg
  std::string op;                 // kUnary ("-", "+", "NOT"), kBinary/kQuantified ("=", "AND", "||", ...)
  std::vector<ExprPtr> args;
  bool negated = false;                // NOT IN / NOT BETWEEN / NOT LIKE / IS NOT ... / negative interval
  bool symmetric = false;              // BETWEEN SYMMETRIC
  bool asymmetric = false;             // BETWEEN ASYMMETRIC written
  bool similar = false;                // SIMILAR TO instead of LIKE
  bool try_cast = false;               // TRY_CAST
  bool implicit_row = false;           // (a, b) without ROW
  IsTest is_test = IsTest::kNull;      // kIsPredicate
  std::unique_ptr<ExprDetail> detail;  // see ExprDetail

  // Filled by the checker (empty type root kNull with `checked` false until then).
  DataType type;
  bool checked = false;
  // kColumnRef after checking: the FROM relation (index in left-to-right order of the query's
  // scope), its column, how many enclosing queries out (0: this query) and how many trailing
  // name parts are ROW field accesses. -1 when unresolved (unknown relation, unchecked).
  int ref_depth = -1;
  int ref_relation = -1;
  int ref_column = -1;
  int ref_fields = 0;
};

// ---------------------------------------------------------------------------------------------
// Queries

enum class JoinType { kInner, kLeft, kRight, kFull, kCross, kComma };

struct SelectItem {
  ExprPtr expr;  // kStar for * and t.*
  std::optional<Identifier> alias;
  bool explicit_as = false;
  Span span;
};

enum class GroupingKind { kExpr, kGroupingSets, kRollup, kCube, kEmpty };
struct GroupingElement {
  GroupingKind kind = GroupingKind::kExpr;
  ExprPtr expr;                           // kExpr (may be an implicit row for (a, b))
  std::vector<GroupingElement> children;  // sets / rollup / cube members
  Span span;
};

struct NamedWindow {
  Identifier name;
  WindowSpec spec;
};

struct Hint {
  std::string text;  // the text between /*+ and */, trimmed
  Span span;
};

struct Select {
  FLINKDBT_SQL_POOLED_NODE
  std::vector<Hint> hints;
  bool distinct = false;
  bool all = false;
  std::vector<SelectItem> items;
  TableRefPtr from;
  ExprPtr where;
  std::vector<GroupingElement> group_by;
  ExprPtr having;
  std::vector<NamedWindow> windows;
  ExprPtr qualify;
};

struct Cte {
  Identifier name;
  std::vector<Identifier> columns;
  QueryPtr query;
  Span span;
};

enum class QueryKind { kSelect, kSetOp, kValues };
enum class SetOpKind { kUnion, kIntersect, kExcept };

// An output column of a checked query (or a catalog relation).
struct Column {
  std::string name;
  DataType type;
};

struct Query {
  FLINKDBT_SQL_POOLED_NODE
  QueryKind kind = QueryKind::kSelect;
  Span span;
  std::vector<Cte> with;  // WITH ... (any query level)
  // kSelect
  std::unique_ptr<Select> select;
  // kSetOp
  SetOpKind set_op = SetOpKind::kUnion;
  bool set_all = false;
  bool set_distinct = false;  // DISTINCT written
  QueryPtr left;
  QueryPtr right;
  // kValues
  std::vector<std::vector<ExprPtr>> rows;
  bool values_row_keyword = false;  // VALUES ROW(...)
  // ORDER BY / LIMIT / OFFSET / FETCH
  std::vector<OrderItem> order_by;
  ExprPtr limit;
  ExprPtr offset;
  bool fetch = false;  // written FETCH FIRST/NEXT n ROWS ONLY (limit holds n)

  // Filled by the checker.
  std::vector<Column> output_schema;
};

enum class TableRefKind {
  kNamed,           // name [FOR SYSTEM_TIME AS OF expr] [hints] [alias]
  kSubquery,        // [LATERAL] (query) [alias]
  kJoin,            // left JOIN right ON/USING
  kTableFunction,   // [LATERAL] TABLE(fn(args)) [alias]: window TVFs and table functions
  kUnnest,          // UNNEST(args) [WITH ORDINALITY] [alias]
  kMatchRecognize,  // input MATCH_RECOGNIZE (...) [alias]
};

enum class AfterMatchSkip { kDefault, kPastLastRow, kToNextRow, kToFirst, kToLast };

// MATCH_RECOGNIZE (...). The pattern is kept as a normalized string (variables, quantifiers,
// grouping) since nothing outside the engine's matcher needs its structure.
struct MatchRecognize {
  std::vector<ExprPtr> partition_by;
  std::vector<OrderItem> order_by;
  std::vector<SelectItem> measures;  // expr AS alias
  std::string rows_per_match;        // "ONE ROW PER MATCH" / "ALL ROWS PER MATCH" / ""
  AfterMatchSkip skip = AfterMatchSkip::kDefault;
  Identifier skip_to;                                          // for kToFirst / kToLast
  std::string pattern;                                         // e.g. "START_ROW PRICE_DOWN+ PRICE_UP"
  ExprPtr within;                                              // WITHIN INTERVAL ...
  std::vector<std::pair<Identifier, ExprPtr>> subsets_unused;  // reserved for SUBSET
  std::vector<std::pair<Identifier, ExprPtr>> define;
};

struct TableRef {
  FLINKDBT_SQL_POOLED_NODE
  TableRefKind kind = TableRefKind::kNamed;
  Span span;
  // alias and column aliases (all kinds except kJoin)
  std::optional<Identifier> alias;
  bool explicit_as = false;
  std::vector<Identifier> column_aliases;
  // kNamed
  ObjectName name;
  std::vector<Hint> hints;
  ExprPtr system_time;  // FOR SYSTEM_TIME AS OF expr
  // kSubquery
  QueryPtr subquery;
  bool lateral = false;
  // kJoin
  JoinType join_type = JoinType::kInner;
  bool natural = false;
  bool outer_keyword = false;  // LEFT OUTER JOIN written
  TableRefPtr left;
  TableRefPtr right;
  ExprPtr on;
  std::vector<Identifier> using_columns;
  // kTableFunction: call (a kFunction expression); kUnnest: args in `call->args`
  ExprPtr call;
  bool with_ordinality = false;
  // kMatchRecognize: input in `left`
  std::unique_ptr<MatchRecognize> match;

  // Filled by the checker: the relation's columns as this reference exposes them.
  std::vector<Column> output_schema;
};

// ---------------------------------------------------------------------------------------------
// Statements

enum class StatementKind {
  kQuery,
  kCreateTable,
  kCreateView,
  kCreateMaterializedTable,
  kCreateMaterializedView,
  kCreateFunction,
  kCreateDatabase,
  kCreateCatalog,
  kDrop,
  kAlterTable,
  kAlterView,
  kAlterMaterializedTable,
  kInsert,
  kStatementSet,
  kShow,
  kDescribe,
  kExplain,
  kSet,
  kReset,
  kUse,
};

struct Property {
  std::string key;
  std::string value;
  Span span;
};

enum class ColumnKind { kPhysical, kComputed, kMetadata };

struct ColumnDef {
  ColumnKind kind = ColumnKind::kPhysical;
  Identifier name;
  DataType type;                            // physical, metadata
  ExprPtr expr;                             // computed
  std::optional<std::string> metadata_key;  // METADATA FROM 'key'
  bool is_virtual = false;                  // METADATA ... VIRTUAL
  bool primary_key = false;                 // column-level PRIMARY KEY NOT ENFORCED
  std::optional<std::string> comment;
  std::string position;  // ALTER TABLE ADD/MODIFY: "FIRST" or "AFTER <column>" (empty: none)
  Span span;
};

struct Watermark {
  Identifier column;
  ExprPtr expr;
  Span span;
};

struct PrimaryKey {
  std::optional<Identifier> constraint_name;
  std::vector<Identifier> columns;
  bool not_enforced = true;
  Span span;
};

struct Distribution {
  std::string algorithm;  // "HASH", "RANGE", ... or empty
  std::vector<Identifier> columns;
  std::optional<int64_t> buckets;
  bool distributed_into_only = false;  // DISTRIBUTED INTO n BUCKETS
};

struct LikeClause {
  ObjectName source;
  std::vector<std::string> options;  // e.g. "EXCLUDING OPTIONS", "INCLUDING ALL"
};

// A "KEY = value" clause of CREATE MATERIALIZED TABLE (FRESHNESS, REFRESH_MODE, START_MODE, ...).
struct TableClause {
  std::string key;
  ExprPtr value;
};

enum class AlterAction {
  kAdd,
  kModify,
  kDropColumns,
  kDropPrimaryKey,
  kDropConstraint,
  kDropWatermark,
  kSet,
  kReset,
  kRenameTable,
  kRenameColumn,
  kAsQuery,  // ALTER VIEW/MATERIALIZED TABLE ... AS query
  kOther,    // SUSPEND, RESUME, REFRESH (keyword in alter_keyword)
};

struct Statement {
  FLINKDBT_SQL_POOLED_NODE
  StatementKind kind = StatementKind::kQuery;
  Span span;

  // kQuery, CREATE ... AS, INSERT source, EXPLAIN of a query
  QueryPtr query;

  // CREATE / DROP / ALTER / INSERT / DESCRIBE / SHOW CREATE
  ObjectName name;
  bool or_replace = false;
  bool or_alter = false;
  bool temporary = false;
  bool system = false;  // TEMPORARY SYSTEM FUNCTION
  bool if_not_exists = false;
  bool if_exists = false;
  std::vector<ColumnDef> columns;
  std::vector<Identifier> column_names;  // CREATE VIEW v(a, b); INSERT INTO t (a, b)
  std::optional<PrimaryKey> primary_key;
  std::optional<Watermark> watermark;
  std::optional<std::string> comment;
  std::vector<Identifier> partitioned_by;
  std::optional<Distribution> distribution;
  std::vector<Property> options;  // WITH (...), SET (...)
  std::optional<LikeClause> like;
  std::vector<TableClause> table_clauses;  // materialized table clauses
  std::string drop_object;                 // "TABLE", "VIEW", "MATERIALIZED TABLE", "FUNCTION", ...
  bool cascade = false;
  bool restrict = false;

  // CREATE FUNCTION
  std::string function_class;
  std::string function_language;  // "JAVA", "PYTHON", ... (empty: not written)
  std::vector<std::string> using_jars;

  // ALTER
  AlterAction alter_action = AlterAction::kSet;
  std::vector<Identifier> drop_columns;
  Identifier rename_from;
  Identifier rename_to;
  ObjectName new_name;
  std::vector<std::string> reset_keys;
  std::string alter_keyword;

  // INSERT
  bool overwrite = false;
  std::vector<Property> partition_spec;  // PARTITION (k = 'v', ...)

  // EXECUTE STATEMENT SET / BEGIN STATEMENT SET
  std::vector<StatementPtr> statements;
  bool execute_keyword = true;

  // SHOW: what (upper-cased words, e.g. "TABLES", "CREATE TABLE", "DATABASES"), FROM/IN, LIKE
  std::string show_what;
  std::optional<ObjectName> show_from;
  std::string show_from_keyword;  // FROM / IN
  std::optional<std::string> like_pattern;
  bool not_like = false;
  bool ilike = false;

  // DESCRIBE [EXTENDED] / EXPLAIN [details]
  bool extended = false;
  std::string explain_details;
  StatementPtr inner;  // EXPLAIN <statement>

  // SET / RESET
  std::optional<std::string> set_key;
  std::optional<std::string> set_value;
  // USE [CATALOG]
  bool use_catalog = false;
};

struct Script {
  std::vector<StatementPtr> statements;
};

// A canonical dump of every syntactic field (no spans, no checker annotations), independent of
// the SQL printer: two trees are structurally equal exactly when their dumps are equal. The
// round-trip tests compare Dump(parse(sql)) with Dump(parse(print(parse(sql)))).
std::string Dump(const Statement& s);
std::string Dump(const Query& q);
std::string Dump(const Expr& e);

}  // namespace flinkdbt::sql

#endif  // FLINKDBT_SQL_AST_H_
