// The executor: runs a plan over bounded inputs with Flink's changelog semantics. Each node
// consumes its inputs' changelogs and produces its own; window-aligned nodes (window aggregation,
// window Top-N, window joins) emit insert-only results once the watermark passes the end of input.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "engine/builtins.h"
#include "engine/connectors.h"
#include "engine/functions.h"
#include "engine/plan.h"
#include "flinkdbt/base/json_writer.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "fmt/format.h"

namespace flinkdbt::engine {

using sql::DataType;
using sql::TypeRoot;

std::vector<Row> Executor::Materialize(const std::vector<Change>& changes) {
  std::vector<Row> rows;
  std::vector<bool> alive;
  absl::flat_hash_map<Row, std::vector<size_t>, RowHash, RowEq> where;
  // An update (-U then +U) keeps the row's position, as the SQL client's table view shows it.
  size_t freed = SIZE_MAX;
  for (const auto& c : changes) {
    if (IsAccumulate(c.kind)) {
      if (c.kind == RowKind::kUpdateAfter && freed != SIZE_MAX) {
        where[c.row].push_back(freed);
        rows[freed] = c.row;
        alive[freed] = true;
        freed = SIZE_MAX;
        continue;
      }
      where[c.row].push_back(rows.size());
      rows.push_back(c.row);
      alive.push_back(true);
    } else {
      freed = SIZE_MAX;
      auto it = where.find(c.row);
      if (it == where.end() || it->second.empty()) continue;
      size_t slot = it->second.back();
      alive[slot] = false;
      it->second.pop_back();
      if (c.kind == RowKind::kUpdateBefore) freed = slot;
    }
  }
  std::vector<Row> out;
  for (size_t i = 0; i < rows.size(); ++i)
    if (alive[i]) out.push_back(std::move(rows[i]));
  return out;
}

namespace {

struct Ctx {
  EvalContext eval;
};

// ---------------------------------------------------------------------------------------------
// Aggregation state

struct AggAcc {
  int64_t count = 0;  // rows with non-NULL argument
  Value sum;
  double dsum = 0, dsq = 0;
  int64_t trues = 0, falses = 0;
  std::map<Value, int64_t> values;  // MIN/MAX and DISTINCT
  std::vector<Value> list;          // FIRST/LAST_VALUE, LISTAGG, COLLECT
};

Value Negate(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kInt:
      return Value::Int(-v.int_value());
    case ValueKind::kDouble:
      return Value::Double(-v.double_value());
    case ValueKind::kDecimal: {
      Decimal d = v.decimal_value();
      d.unscaled = -d.unscaled;
      return Value::Dec(d);
    }
    default:
      return v;
  }
}

void Accumulate(const AggCall& call, AggAcc& acc, const std::vector<Value>& args, bool add) {
  int64_t sign = add ? 1 : -1;
  if (call.fn == AggFn::kCountStar) {
    acc.count += sign;
    return;
  }
  const Value& v = args[0];
  if (call.fn == AggFn::kPercentile) {
    // Flink keeps the first row's percentage(s); frequency NULL or <= 0 skips the row.
    if (acc.sum.is_null() && args.size() > 1) acc.sum = args[1].is_null() ? Value::Array({}) : args[1];
    int64_t freq = args.size() > 2 ? (args[2].is_null() ? 0 : args[2].int_value()) : 1;
    if (v.is_null() || freq <= 0) return;
    auto& n = acc.values[v];
    n += add ? freq : -freq;
    if (n == 0) acc.values.erase(v);
    return;
  }
  if (v.is_null() && call.fn != AggFn::kFirstValue && call.fn != AggFn::kLastValue) return;
  if (call.distinct) {
    auto& n = acc.values[v];
    n += sign;
    if (n <= 0) acc.values.erase(v);
    return;
  }
  switch (call.fn) {
    case AggFn::kCount:
      acc.count += sign;
      break;
    case AggFn::kSum:
    case AggFn::kSum0:
    case AggFn::kAvg:
      acc.count += sign;
      if (call.fn == AggFn::kAvg && call.type.root != TypeRoot::kDecimal &&
          !sql::IsApproxNumeric(call.type)) {
        Value x =
            v.kind() == ValueKind::kInt ? v : Value::Int(static_cast<int64_t>(v.decimal_value().unscaled));
        acc.sum = acc.sum.is_null() ? (add ? x : Negate(x))
                                    : AddValues(acc.sum, add ? x : Negate(x), DataType::BigInt());
      } else {
        DataType t = call.type;
        if (call.fn == AggFn::kAvg && t.root == TypeRoot::kDecimal)
          t = DataType::Decimal(38, call.args[0]->type.scale);
        Value x = add ? v : Negate(v);
        acc.sum = acc.sum.is_null() ? AddValues(Value::Int(0), x, t) : AddValues(acc.sum, x, t);
      }
      break;
    case AggFn::kMin:
    case AggFn::kMax: {
      auto& n = acc.values[v];
      n += sign;
      if (n <= 0) acc.values.erase(v);
      break;
    }
    case AggFn::kStddevPop:
    case AggFn::kStddevSamp:
    case AggFn::kVarPop:
    case AggFn::kVarSamp: {
      double d = v.kind() == ValueKind::kInt      ? static_cast<double>(v.int_value())
                 : v.kind() == ValueKind::kDouble ? v.double_value()
                                                  : v.decimal_value().ToDouble();
      acc.count += sign;
      acc.dsum += sign * d;
      acc.dsq += sign * d * d;
      break;
    }
    case AggFn::kBoolAnd:
    case AggFn::kBoolOr:
      (v.bool_value() ? acc.trues : acc.falses) += sign;
      break;
    default:
      if (call.fn == AggFn::kJsonObjectAgg) {
        Value kv = Value::Row({v, args.size() > 1 ? args[1] : Value()});
        if (add) {
          acc.list.push_back(kv);
        } else {
          for (size_t i = 0; i < acc.list.size(); ++i)
            if (Compare(acc.list[i], kv) == 0) {
              acc.list.erase(acc.list.begin() + i);
              break;
            }
        }
        break;
      }
      if (add) {
        acc.list.push_back(v);
      } else {
        for (size_t i = 0; i < acc.list.size(); ++i)
          if (Compare(acc.list[i], v) == 0) {
            acc.list.erase(acc.list.begin() + i);
            break;
          }
      }
      break;
  }
}

Value AvgOf(const Value& sum, int64_t count, const DataType& t, EvalContext& ctx) {
  if (count == 0 || sum.is_null()) return Value::Null();
  if (sql::IsApproxNumeric(t)) {
    double s = sum.kind() == ValueKind::kDouble ? sum.double_value()
               : sum.kind() == ValueKind::kInt  ? static_cast<double>(sum.int_value())
                                                : sum.decimal_value().ToDouble();
    return Value::Double(s / static_cast<double>(count));
  }
  if (t.root == TypeRoot::kDecimal) {
    Decimal s = sum.decimal_value();
    Int128 n = s.unscaled;
    int scale = t.scale;
    // n / 10^s.scale / count at `scale` digits, HALF_UP.
    Int128 num = n * Pow10(std::max(0, scale - s.scale));
    Int128 den = static_cast<Int128>(count) * Pow10(std::max(0, s.scale - scale));
    bool neg = num < 0;
    if (neg) num = -num;
    Int128 q = num / den, r = num % den;
    if (r * 2 >= den) ++q;
    return Value::Dec(Decimal{neg ? -q : q, scale});
  }
  (void)ctx;
  int64_t s = sum.int_value();
  return Value::Int(s / count);
}

double NumberToDouble(const Value& v) {
  return v.kind() == ValueKind::kInt      ? static_cast<double>(v.int_value())
         : v.kind() == ValueKind::kDouble ? v.double_value()
                                          : v.decimal_value().ToDouble();
}

// Flink's PercentileAccumulator.getValue: position p * (n - 1) + 1 over the sorted value counts,
// linear interpolation between neighbouring values.
Value PercentileOf(const AggCall& call, const AggAcc& acc, EvalContext& ctx) {
  if (acc.sum.is_null()) return Value::Null();
  bool multi = acc.sum.kind() == ValueKind::kArray;
  std::vector<double> pct;
  if (multi) {
    for (const Value& p : acc.sum.items()) {
      if (p.is_null()) return Fail(ctx, "Percentage of PERCENTILE must not be NULL.");
      pct.push_back(NumberToDouble(p));
    }
    if (pct.empty()) return Value::Null();
  } else {
    pct.push_back(NumberToDouble(acc.sum));
  }
  for (double p : pct) {
    if (p < 0.0 || p > 1.0)
      return Fail(ctx, fmt::format("Percentage of PERCENTILE should be between [0.0, 1.0], but was '{}'.",
                                   FormatDoubleShortest(p)));
  }
  std::vector<std::pair<double, int64_t>> sorted;
  int64_t total = 0;
  for (const auto& [v, n] : acc.values) {
    double d = NumberToDouble(v);
    if (!sorted.empty() && sorted.back().first == d)
      sorted.back().second += n;
    else
      sorted.emplace_back(d, n);
    total += n;
  }
  (void)call;
  if (total <= 0) return Value::Null();
  std::vector<Value> out;
  for (double p : pct) {
    double position = p * static_cast<double>(total - 1) + 1;
    auto lower = static_cast<int64_t>(std::floor(position));
    auto higher = static_cast<int64_t>(std::ceil(position));
    size_t j = 0;
    int64_t pre = sorted[0].second;
    while (pre < lower) pre += sorted[++j].second;
    double r = pre >= higher ? sorted[j].first
                             : (static_cast<double>(higher) - position) * sorted[j].first +
                                   (position - static_cast<double>(lower)) * sorted[j + 1].first;
    out.push_back(Value::Double(r));
  }
  return multi ? Value::Array(std::move(out)) : out[0];
}

Value Finish(const AggCall& call, const AggAcc& acc, EvalContext& ctx) {
  if (call.distinct && call.fn != AggFn::kPercentile) {
    // Recompute over the distinct values.
    AggCall plain;
    plain.fn = call.fn;
    plain.type = call.type;
    plain.separator = call.separator;
    AggAcc tmp;
    for (const auto& a : call.args) (void)a;
    for (const auto& [v, n] : acc.values) {
      if (plain.fn == AggFn::kAvg || plain.fn == AggFn::kSum || plain.fn == AggFn::kSum0) {
        tmp.count++;
        DataType t = plain.type.root == TypeRoot::kDecimal && plain.fn == AggFn::kAvg
                         ? DataType::Decimal(38, 18)
                         : plain.type;
        if (plain.fn == AggFn::kAvg && !sql::IsApproxNumeric(plain.type) &&
            plain.type.root != TypeRoot::kDecimal)
          t = DataType::BigInt();
        tmp.sum = tmp.sum.is_null() ? AddValues(Value::Int(0), v, t) : AddValues(tmp.sum, v, t);
      } else if (plain.fn == AggFn::kCount) {
        tmp.count++;
      } else if (plain.fn == AggFn::kMin || plain.fn == AggFn::kMax) {
        tmp.values[v] = 1;
      } else {
        tmp.list.push_back(v);
      }
    }
    return Finish(plain, tmp, ctx);
  }
  switch (call.fn) {
    case AggFn::kCount:
    case AggFn::kCountStar:
      return Value::Int(acc.count);
    case AggFn::kSum:
      if (acc.count == 0) return Value::Null();
      return acc.sum.is_null() ? Value::Null() : CastValue(acc.sum, call.type, call.type, true, ctx);
    case AggFn::kSum0:
      if (acc.count == 0 || acc.sum.is_null())
        return call.type.root == TypeRoot::kDecimal ? Value::Dec(Decimal{0, call.type.scale})
               : sql::IsApproxNumeric(call.type)    ? Value::Double(0)
                                                    : Value::Int(0);
      return acc.sum;
    case AggFn::kAvg:
      return AvgOf(acc.sum, acc.count, call.type, ctx);
    case AggFn::kMin:
      return acc.values.empty() ? Value::Null() : acc.values.begin()->first;
    case AggFn::kMax:
      return acc.values.empty() ? Value::Null() : acc.values.rbegin()->first;
    case AggFn::kFirstValue:
      for (const auto& v : acc.list)
        if (!v.is_null()) return v;
      return Value::Null();
    case AggFn::kLastValue:
      for (auto it = acc.list.rbegin(); it != acc.list.rend(); ++it)
        if (!it->is_null()) return *it;
      return Value::Null();
    case AggFn::kListAgg: {
      if (acc.list.empty()) return Value::Null();
      std::string out;
      for (size_t i = 0; i < acc.list.size(); ++i)
        out += (i ? call.separator : "") + acc.list[i].string_value();
      return Value::String(out);
    }
    case AggFn::kCollect:
      return Value::Array(acc.list);
    case AggFn::kStddevPop:
    case AggFn::kStddevSamp:
    case AggFn::kVarPop:
    case AggFn::kVarSamp: {
      bool samp = call.fn == AggFn::kStddevSamp || call.fn == AggFn::kVarSamp;
      if (acc.count == 0 || (samp && acc.count == 1)) return Value::Null();
      double n = static_cast<double>(acc.count);
      double var = (acc.dsq - acc.dsum * acc.dsum / n) / (samp ? n - 1 : n);
      if (var < 0) var = 0;
      double r = (call.fn == AggFn::kStddevPop || call.fn == AggFn::kStddevSamp) ? std::sqrt(var) : var;
      if (call.type.root == TypeRoot::kDecimal)
        return CastValue(Value::Double(r), DataType::Double(), call.type, true, ctx);
      if (sql::IsIntegral(call.type)) return Value::Int(static_cast<int64_t>(r));
      return Value::Double(r);
    }
    case AggFn::kBoolAnd:
      if (acc.trues + acc.falses == 0) return Value::Null();
      return Value::Bool(acc.falses == 0);
    case AggFn::kBoolOr:
      if (acc.trues + acc.falses == 0) return Value::Null();
      return Value::Bool(acc.trues > 0);
    case AggFn::kBitAnd:
    case AggFn::kBitOr:
    case AggFn::kBitXor: {
      if (acc.list.empty()) return Value::Null();
      int64_t r = call.fn == AggFn::kBitAnd ? -1 : 0;
      for (const auto& v : acc.list) {
        int64_t x = v.int_value();
        r = call.fn == AggFn::kBitAnd ? (r & x) : call.fn == AggFn::kBitOr ? (r | x) : (r ^ x);
      }
      return Value::Int(r);
    }
    case AggFn::kPercentile:
      return PercentileOf(call, acc, ctx);
    case AggFn::kJsonArrayAgg: {
      // ABSENT ON NULL (the default): NULL values were never accumulated.
      std::string out = "[";
      const DataType t = call.args.empty() || !call.args[0] ? DataType{} : call.args[0]->type;
      for (size_t i = 0; i < acc.list.size(); ++i) out += (i ? "," : "") + ValueToJson(acc.list[i], t, ctx);
      return Value::String(out + "]");
    }
    case AggFn::kJsonObjectAgg: {
      std::string out = "{";
      const DataType t = call.args.size() < 2 || !call.args[1] ? DataType{} : call.args[1]->type;
      for (size_t i = 0; i < acc.list.size(); ++i) {
        const auto& kv = acc.list[i].items();
        out +=
            (i ? "," : "") + ValueToJson(kv[0], DataType::String(), ctx) + ":" + ValueToJson(kv[1], t, ctx);
      }
      return Value::String(out + "}");
    }
  }
  return Value::Null();
}

struct Group {
  int64_t rows = 0;
  std::vector<AggAcc> accs;
  Row last;  // last emitted output
  bool emitted = false;
  int64_t order = 0;
};

class Runner {
 public:
  Runner(Executor* ex, std::vector<const Row*> outer) : ex_(ex) {
    ctx_.session = ex->session();
    ctx_.executor = ex;
    ctx_.outer = std::move(outer);
  }

  absl::Status Run(const PlanNode& p, std::vector<Change>* out) {
    switch (p.kind) {
      case PlanNode::Kind::kEmpty:
        return absl::OkStatus();
      case PlanNode::Kind::kValues:
        for (const auto& r : p.rows) {
          Row row;
          row.reserve(r.size());
          Row empty;
          for (const auto& e : r) row.push_back(Eval(*e, empty, ctx_));
          FLINKDBT_RETURN_IF_ERROR(Check());
          out->push_back(Change{RowKind::kInsert, std::move(row)});
        }
        return absl::OkStatus();
      case PlanNode::Kind::kScan:
        return Scan(p, out);
      case PlanNode::Kind::kProject: {
        std::vector<Change> in;
        FLINKDBT_RETURN_IF_ERROR(Run(*p.inputs[0], &in));
        out->reserve(out->size() + in.size());
        for (auto& c : in) {
          Row row;
          row.reserve(p.exprs.size());
          for (const auto& e : p.exprs) row.push_back(Eval(*e, c.row, ctx_));
          out->push_back(Change{c.kind, std::move(row)});
          Row().swap(c.row);  // release the consumed input row now: peak is one copy, not two
        }
        return Check();
      }
      case PlanNode::Kind::kFilter: {
        std::vector<Change> in;
        FLINKDBT_RETURN_IF_ERROR(Run(*p.inputs[0], &in));
        for (auto& c : in)
          if (EvalPredicate(*p.predicate, c.row, ctx_)) out->push_back(std::move(c));
        return Check();
      }
      case PlanNode::Kind::kJoin:
        return Join(p, out);
      case PlanNode::Kind::kAggregate:
        return Aggregate(p, out);
      case PlanNode::Kind::kWindowTvf:
        return WindowTvf(p, out);
      case PlanNode::Kind::kRank:
        return Rank(p, out);
      case PlanNode::Kind::kOver:
        return Over(p, out);
      case PlanNode::Kind::kSetOp:
        return SetOp(p, out);
      case PlanNode::Kind::kSort:
        return Sort(p, out);
      case PlanNode::Kind::kUnnest:
        return Unnest(p, out);
    }
    return absl::InternalError("unknown plan node");
  }

 private:
  absl::Status Check() {
    if (!ctx_.error.ok()) {
      absl::Status s = ctx_.error;
      ctx_.error = absl::OkStatus();
      return s;
    }
    return absl::OkStatus();
  }

  Row Keys(const std::vector<BExprPtr>& exprs, const Row& row) {
    Row k;
    k.reserve(exprs.size());
    for (const auto& e : exprs) k.push_back(Eval(*e, row, ctx_));
    return k;
  }

  absl::Status Scan(const PlanNode& p, std::vector<Change>* out) {
    std::vector<Change> stored;
    std::vector<int64_t> rowtimes;
    const std::vector<Change>* log = &p.table->data.log;
    const std::vector<int64_t>* times = &p.table->data.rowtimes;
    if (!p.table->connector().empty()) {
      FLINKDBT_RETURN_IF_ERROR(GenerateConnectorRows(*p.table, ctx_.session, &stored, &rowtimes));
      log = &stored;
      times = &rowtimes;
    }
    out->reserve(out->size() + log->size());
    bool any_computed = false;
    for (const auto& e : p.computed) any_computed = any_computed || e != nullptr;
    // Room for the window TVF columns downstream when a time attribute could feed one.
    size_t capacity = p.columns.size();
    for (const auto& col : p.columns)
      if (col.type.time_attribute == sql::TimeAttribute::kRowtime) capacity = p.columns.size() + 3;
    Row phys;
    for (size_t i = 0; i < log->size(); ++i) {
      const Change& c = (*log)[i];
      Value rowtime = Value::TimestampLtz(i < times->size() ? (*times)[i] : 0);
      if (any_computed) {
        phys = c.row;
        phys.push_back(rowtime);
      }
      Row row;
      row.reserve(capacity);
      for (size_t k = 0; k < p.columns.size(); ++k) {
        int idx = p.scan_index[k];
        if (p.computed[k])
          row.push_back(Eval(*p.computed[k], phys, ctx_));
        else if (idx >= 0 && idx < static_cast<int>(c.row.size()))
          row.push_back(c.row[idx]);
        else if (idx == static_cast<int>(c.row.size()))
          row.push_back(rowtime);
        else
          row.push_back(Value::Null());
      }
      out->push_back(Change{c.kind, std::move(row)});
    }
    return Check();
  }

  // ---- joins
  struct JoinEntry {
    Row row;
    int64_t matches = 0;
    bool alive = true;
  };
  using JoinTable = absl::flat_hash_map<Row, std::vector<JoinEntry>, RowHash, RowEq>;

  absl::Status Join(const PlanNode& p, std::vector<Change>* out) {
    std::vector<Change> left, right;
    FLINKDBT_RETURN_IF_ERROR(Run(*p.inputs[0], &left));
    FLINKDBT_RETURN_IF_ERROR(Run(*p.inputs[1], &right));
    size_t lw = p.inputs[0]->columns.size(), rw = p.inputs[1]->columns.size();
    bool left_outer = p.join_type == sql::JoinType::kLeft || p.join_type == sql::JoinType::kFull;
    bool right_outer = p.join_type == sql::JoinType::kRight || p.join_type == sql::JoinType::kFull;
    JoinTable lt, rt;
    std::vector<std::pair<Row, size_t>> l_order, r_order;  // arrival order of stored rows
    auto concat = [&](const Row* l, const Row* r) {
      Row row;
      row.reserve(lw + rw);
      if (l)
        row.insert(row.end(), l->begin(), l->end());
      else
        row.resize(lw);
      if (r)
        row.insert(row.end(), r->begin(), r->end());
      else
        row.resize(lw + rw);
      return row;
    };
    auto matches = [&](const Row& l, const Row& r) {
      if (!p.condition) return true;
      Row j = concat(&l, &r);
      return EvalPredicate(*p.condition, j, ctx_);
    };
    auto has_null = [](const Row& k) {
      for (const auto& v : k)
        if (v.is_null()) return true;
      return false;
    };
    bool at_end = p.emit_at_end;
    // Processes one change of side `is_left`. An accumulated row moves into the join state (the
    // input vectors are consumed), so a row is held once.
    auto process = [&](Change& c, bool is_left) {
      const auto& key_exprs = is_left ? p.left_keys : p.right_keys;
      Row key = Keys(key_exprs, c.row);
      JoinTable& mine = is_left ? lt : rt;
      JoinTable& other = is_left ? rt : lt;
      bool mine_outer = is_left ? left_outer : right_outer;
      bool other_outer = is_left ? right_outer : left_outer;
      bool add = IsAccumulate(c.kind);
      JoinEntry* entry = nullptr;
      if (add) {
        auto& bucket = mine[key];
        // Arrival order is only needed to emit unmatched outer rows at the end.
        if (at_end) (is_left ? l_order : r_order).emplace_back(key, bucket.size());
        bucket.push_back(JoinEntry{std::move(c.row), 0, true});
        entry = &bucket.back();
      } else {
        auto it = mine.find(key);
        if (it != mine.end())
          for (auto& e : it->second)
            if (e.alive && RowEq()(e.row, c.row)) {
              entry = &e;
              break;
            }
        if (!entry) return;
        entry->alive = false;
      }
      const Row& row = add ? entry->row : c.row;
      int64_t found = 0;
      if (!has_null(key)) {
        auto it = other.find(key);
        if (it != other.end()) {
          for (auto& o : it->second) {
            if (!o.alive) continue;
            const Row& l = is_left ? row : o.row;
            const Row& r = is_left ? o.row : row;
            if (!matches(l, r)) continue;
            ++found;
            if (other_outer && !at_end) {
              if (add && o.matches == 0)
                out->push_back(
                    Change{RowKind::kDelete, is_left ? concat(nullptr, &o.row) : concat(&o.row, nullptr)});
            }
            o.matches += add ? 1 : -1;
            out->push_back(Change{add ? RowKind::kInsert : RowKind::kDelete, concat(&l, &r)});
            if (other_outer && !at_end && !add && o.matches == 0)
              out->push_back(
                  Change{RowKind::kInsert, is_left ? concat(nullptr, &o.row) : concat(&o.row, nullptr)});
          }
        }
      }
      if (add) entry->matches = found;
      if (mine_outer && !at_end && found == 0)
        out->push_back(Change{add ? RowKind::kInsert : RowKind::kDelete,
                              is_left ? concat(&row, nullptr) : concat(nullptr, &row)});
    };
    for (auto& c : left) process(c, true);
    std::vector<Change>().swap(left);
    for (auto& c : right) process(c, false);
    std::vector<Change>().swap(right);
    if (at_end) {
      // Window joins: a NULL-padded side still carries the window it belongs to (its window_start,
      // window_end are join keys equal to the other side's), as Flink's window join prints it.
      auto fill_window = [&](Row row, bool left_present) {
        for (size_t k = 0; k < p.left_keys.size(); ++k) {
          int li = p.left_keys[k]->index, ri = p.right_keys[k]->index + static_cast<int>(lw);
          if (p.columns[li].window == WindowAttr::kNone) continue;
          if (left_present)
            row[ri] = row[li];
          else
            row[li] = row[ri];
        }
        return row;
      };
      if (left_outer)
        for (const auto& [k, i] : l_order) {
          const JoinEntry& e = lt[k][i];
          if (e.alive && e.matches == 0)
            out->push_back(Change{RowKind::kInsert, fill_window(concat(&e.row, nullptr), true)});
        }
      if (right_outer)
        for (const auto& [k, i] : r_order) {
          const JoinEntry& e = rt[k][i];
          if (e.alive && e.matches == 0)
            out->push_back(Change{RowKind::kInsert, fill_window(concat(nullptr, &e.row), false)});
        }
    }
    return Check();
  }

  // ---- aggregation
  absl::Status Aggregate(const PlanNode& p, std::vector<Change>* out) {
    std::vector<Change> in;
    FLINKDBT_RETURN_IF_ERROR(Run(*p.inputs[0], &in));
    size_t nk = p.group_keys.size();
    std::vector<std::vector<int>> sets = p.grouping_sets;
    bool has_sets = !sets.empty();
    if (!has_sets) sets.push_back({});
    absl::flat_hash_map<Row, Group, RowHash, RowEq> groups;
    std::vector<Row> order;  // first-seen order of groups (window-aligned emission)
    std::vector<Value> args;
    auto output = [&](const Row& key, Group& g) {
      Row row = key;
      for (size_t i = 0; i < p.aggs.size(); ++i) row.push_back(Finish(p.aggs[i], g.accs[i], ctx_));
      return row;
    };
    for (auto& c : in) {
      Row full = Keys(p.group_keys, c.row);
      bool add = IsAccumulate(c.kind);
      for (const auto& set : sets) {
        Row key;
        if (has_sets) {
          key.resize(nk);
          int64_t mask = 0;
          for (size_t k = 0; k < nk; ++k) {
            if (std::find(set.begin(), set.end(), static_cast<int>(k)) != set.end())
              key[k] = full[k];
            else
              mask |= int64_t{1} << k;
          }
          key.push_back(Value::Int(mask));
        } else {
          key = full;
        }
        auto [it, inserted] = groups.try_emplace(key);
        Group& g = it->second;
        if (inserted) {
          g.accs.resize(p.aggs.size());
          g.order = static_cast<int64_t>(order.size());
          order.push_back(key);
        }
        g.rows += add ? 1 : -1;
        for (size_t i = 0; i < p.aggs.size(); ++i) {
          const AggCall& call = p.aggs[i];
          if (call.filter && !EvalPredicate(*call.filter, c.row, ctx_)) continue;
          args.clear();
          for (const auto& a : call.args) args.push_back(Eval(*a, c.row, ctx_));
          Accumulate(call, g.accs[i], args, add);
        }
        if (p.window_aligned) continue;
        // Emit the group's change.
        if (g.rows <= 0 && !(nk == 0 && !has_sets)) {
          if (g.emitted) out->push_back(Change{RowKind::kDelete, g.last});
          g.emitted = false;
          continue;
        }
        Row now = output(key, g);
        if (!g.emitted) {
          out->push_back(Change{RowKind::kInsert, now});
        } else if (!RowEq()(now, g.last)) {
          out->push_back(Change{RowKind::kUpdateBefore, g.last});
          out->push_back(Change{RowKind::kUpdateAfter, now});
        } else {
          continue;
        }
        g.last = std::move(now);
        g.emitted = true;
      }
      FLINKDBT_RETURN_IF_ERROR(Check());
      Row().swap(c.row);  // consumed: release it now
    }
    if (nk == 0 && !has_sets && groups.empty() && !p.aggs.empty()) {
      // A global aggregate over empty bounded input still produces its one row (COUNT(*) = 0),
      // as Flink does in batch mode; data tests rely on it.
      Group g;
      g.accs.resize(p.aggs.size());
      out->push_back(Change{RowKind::kInsert, output(Row(), g)});
    }
    if (p.window_aligned) {
      // Windows fire in order of their end (the watermark passes them one by one).
      int end_col = -1;
      for (size_t k = 0; k < nk; ++k)
        if (p.columns[k].window == WindowAttr::kEnd) end_col = static_cast<int>(k);
      std::vector<const Row*> keys;
      for (const auto& k : order) keys.push_back(&k);
      std::stable_sort(keys.begin(), keys.end(), [&](const Row* a, const Row* b) {
        if (end_col >= 0) return Compare((*a)[end_col], (*b)[end_col]) < 0;
        return false;
      });
      for (const Row* k : keys) {
        Group& g = groups[*k];
        if (g.rows > 0) out->push_back(Change{RowKind::kInsert, output(*k, g)});
      }
    }
    return Check();
  }

  // ---- window TVFs
  static int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

  absl::Status WindowTvf(const PlanNode& p, std::vector<Change>* out) {
    std::vector<Change> in;
    FLINKDBT_RETURN_IF_ERROR(Run(*p.inputs[0], &in));
    bool ltz = p.columns.back().type.root == TypeRoot::kTimestampLtz;
    auto ts = [&](int64_t ms) { return ltz ? Value::TimestampLtz(ms) : Value::Timestamp(ms); };
    // The row's last window takes the input row itself (consumed; the scan reserved room for the
    // three window columns), earlier windows of HOP/CUMULATE copy it.
    auto emit = [&](Change& c, int64_t start, int64_t end, bool last = true) {
      Row row;
      if (last) {
        row = std::move(c.row);
      } else {
        row.reserve(c.row.size() + 3);
        row.insert(row.end(), c.row.begin(), c.row.end());
      }
      row.push_back(ts(start));
      row.push_back(ts(end));
      row.push_back(ts(end - 1));
      out->push_back(Change{c.kind, std::move(row)});
    };
    if (p.window_kind == WindowKind::kSession) {
      // Sessions per partition: rows sorted by time, merged while gaps < `slide`.
      std::map<Row, std::vector<size_t>> parts;
      std::vector<Row> part_order;
      for (size_t i = 0; i < in.size(); ++i) {
        if (in[i].row[p.time_column].is_null()) continue;
        Row key;
        for (int c : p.partition_columns) key.push_back(in[i].row[c]);
        auto [it, ins] = parts.try_emplace(key);
        if (ins) part_order.push_back(key);
        it->second.push_back(i);
      }
      std::vector<std::pair<int64_t, size_t>> assigned;  // session start per row, for ordering
      std::vector<int64_t> start(in.size()), end(in.size());
      std::vector<int64_t> session_id(in.size());
      int64_t next_session = 0;
      for (const auto& key : part_order) {
        auto idx = parts[key];
        std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
          return in[a].row[p.time_column].millis() < in[b].row[p.time_column].millis();
        });
        size_t i = 0;
        while (i < idx.size()) {
          int64_t s = in[idx[i]].row[p.time_column].millis();
          int64_t e = s + p.slide;
          size_t j = i + 1;
          while (j < idx.size() &&
                 in[idx[j]].row[p.time_column].millis() <= e) {  // Flink merges touching sessions
            e = std::max(e, in[idx[j]].row[p.time_column].millis() + p.slide);
            ++j;
          }
          for (size_t k = i; k < j; ++k) {
            start[idx[k]] = s;
            end[idx[k]] = e;
            session_id[idx[k]] = next_session;
          }
          ++next_session;
          i = j;
        }
      }
      // Sessions fire in order of their end; rows within a session in arrival order.
      std::vector<size_t> rows;
      for (size_t i = 0; i < in.size(); ++i)
        if (!in[i].row[p.time_column].is_null()) rows.push_back(i);
      std::stable_sort(rows.begin(), rows.end(), [&](size_t a, size_t b) {
        if (end[a] != end[b]) return end[a] < end[b];
        return session_id[a] < session_id[b];
      });
      for (size_t i : rows) emit(in[i], start[i], end[i]);
      return absl::OkStatus();
    }
    for (auto& c : in) {
      const Value& t = c.row[p.time_column];
      if (t.is_null()) continue;
      int64_t ms = t.millis();
      if (p.window_kind == WindowKind::kTumble) {
        int64_t s = FloorDiv(ms - p.offset, p.size) * p.size + p.offset;
        emit(c, s, s + p.size);
      } else if (p.window_kind == WindowKind::kHop) {
        int64_t last = FloorDiv(ms - p.offset, p.slide) * p.slide + p.offset;
        std::vector<int64_t> starts;
        for (int64_t s = last; s > ms - p.size; s -= p.slide) starts.push_back(s);
        std::reverse(starts.begin(), starts.end());
        for (size_t i = 0; i < starts.size(); ++i)
          emit(c, starts[i], starts[i] + p.size, i + 1 == starts.size());
      } else {  // cumulate
        int64_t s = FloorDiv(ms - p.offset, p.size) * p.size + p.offset;
        int64_t first_end = FloorDiv(ms - s, p.slide) * p.slide + p.slide + s;
        std::vector<int64_t> ends;
        for (int64_t e = first_end; e <= s + p.size; e += p.slide) ends.push_back(e);
        for (size_t i = 0; i < ends.size(); ++i) emit(c, s, ends[i], i + 1 == ends.size());
      }
    }
    return absl::OkStatus();
  }

  // ---- ranking (Top-N, deduplication)
  struct RankEntry {
    Row sort_key;
    Row row;
    uint64_t seq;
  };

  absl::Status Rank(const PlanNode& p, std::vector<Change>* out) {
    std::vector<Change> in;
    FLINKDBT_RETURN_IF_ERROR(Run(*p.inputs[0], &in));
    auto cmp_keys = [&](const Row& a, const Row& b) {
      for (size_t i = 0; i < a.size(); ++i) {
        bool an = a[i].is_null(), bn = b[i].is_null();
        int nulls = p.order_nulls[i];
        bool desc = p.order_desc[i];
        if (an || bn) {
          if (an && bn) continue;
          // Flink: NULLS FIRST for ASC, NULLS LAST for DESC by default.
          bool nulls_first = nulls == 1 || (nulls == 0 && !desc);
          return an ? (nulls_first ? -1 : 1) : (nulls_first ? 1 : -1);
        }
        int c = Compare(a[i], b[i]);
        if (c != 0) return desc ? -c : c;
      }
      return 0;
    };
    auto less = [&](const RankEntry& a, const RankEntry& b) {
      int c = cmp_keys(a.sort_key, b.sort_key);
      if (c != 0) return c < 0;
      return a.seq < b.seq;
    };
    auto rank_rows = [&](const std::vector<const RankEntry*>& sorted, int64_t limit) {
      std::vector<Row> outrows;
      int64_t rank = 0, dense = 0;
      for (size_t i = 0; i < sorted.size(); ++i) {
        bool tie = i > 0 && cmp_keys(sorted[i]->sort_key, sorted[i - 1]->sort_key) == 0;
        if (!tie) {
          rank = static_cast<int64_t>(i) + 1;
          ++dense;
        }
        int64_t r = p.rank_fn == "ROW_NUMBER" ? static_cast<int64_t>(i) + 1
                    : p.rank_fn == "RANK"     ? rank
                                              : dense;
        if (limit >= 0 && r > limit) break;
        Row row = sorted[i]->row;
        row.push_back(Value::Int(r));
        outrows.push_back(std::move(row));
      }
      return outrows;
    };
    bool insert_only = true;
    for (const auto& c : in) insert_only = insert_only && c.kind == RowKind::kInsert;
    if (p.window_aligned) {
      std::map<Row, std::vector<RankEntry>> parts;
      std::vector<Row> order;
      uint64_t seq = 0;
      for (const auto& c : Executor::Materialize(in)) {
        Row key = Keys(p.partition_keys, c);
        auto [it, ins] = parts.try_emplace(key);
        if (ins) order.push_back(key);
        it->second.push_back(RankEntry{Keys(p.order_keys, c), c, seq++});
      }
      for (const auto& key : order) {
        auto& v = parts[key];
        std::sort(v.begin(), v.end(), less);
        std::vector<const RankEntry*> ptrs;
        for (const auto& e : v) ptrs.push_back(&e);
        for (auto& r : rank_rows(ptrs, p.rank_limit)) out->push_back(Change{RowKind::kInsert, std::move(r)});
      }
      return Check();
    }
    struct Part {
      std::multiset<RankEntry, decltype(less)> set;
      std::vector<Row> emitted;
      explicit Part(decltype(less) l) : set(l) {}
    };
    absl::flat_hash_map<Row, std::unique_ptr<Part>, RowHash, RowEq> parts;
    uint64_t seq = 0;
    for (const auto& c : in) {
      Row key = Keys(p.partition_keys, c.row);
      auto& slot = parts[key];
      if (!slot) slot = std::make_unique<Part>(less);
      Part& part = *slot;
      RankEntry entry{Keys(p.order_keys, c.row), c.row, seq++};
      if (IsAccumulate(c.kind)) {
        if (p.rank_limit >= 0 && static_cast<int64_t>(part.set.size()) >= p.rank_limit &&
            p.rank_fn == "ROW_NUMBER") {
          auto nth = std::prev(part.set.end());
          if (static_cast<int64_t>(part.set.size()) > p.rank_limit)
            nth = std::next(part.set.begin(), p.rank_limit - 1);
          if (!less(entry, *nth)) {
            if (!insert_only) part.set.insert(std::move(entry));
            continue;
          }
        }
        part.set.insert(std::move(entry));
        if (insert_only && p.rank_limit >= 0 && p.rank_fn == "ROW_NUMBER" &&
            static_cast<int64_t>(part.set.size()) > p.rank_limit)
          part.set.erase(std::prev(part.set.end()));
      } else {
        bool found = false;
        for (auto it = part.set.begin(); it != part.set.end(); ++it) {
          if (RowEq()(it->row, c.row)) {
            part.set.erase(it);
            found = true;
            break;
          }
        }
        if (!found) continue;
      }
      std::vector<const RankEntry*> ptrs;
      for (const auto& e : part.set) {
        if (p.rank_limit >= 0 && static_cast<int64_t>(ptrs.size()) >= p.rank_limit &&
            p.rank_fn == "ROW_NUMBER")
          break;
        ptrs.push_back(&e);
      }
      std::vector<Row> now = rank_rows(ptrs, p.rank_limit);
      size_t n = std::max(now.size(), part.emitted.size());
      for (size_t i = 0; i < n; ++i) {
        bool has_old = i < part.emitted.size(), has_new = i < now.size();
        if (has_old && has_new) {
          if (RowEq()(part.emitted[i], now[i])) continue;
          out->push_back(Change{RowKind::kUpdateBefore, part.emitted[i]});
          out->push_back(Change{RowKind::kUpdateAfter, now[i]});
        } else if (has_new) {
          out->push_back(Change{RowKind::kInsert, now[i]});
        } else {
          out->push_back(Change{RowKind::kDelete, part.emitted[i]});
        }
      }
      part.emitted = std::move(now);
    }
    return Check();
  }

  // ---- OVER windows (over the final input; insert-only output in arrival order)
  absl::Status Over(const PlanNode& p, std::vector<Change>* out) {
    std::vector<Change> in;
    FLINKDBT_RETURN_IF_ERROR(Run(*p.inputs[0], &in));
    std::vector<Row> rows = Executor::Materialize(in);
    size_t n = rows.size();
    std::vector<Row> extra(n, Row(p.overs.size()));
    for (size_t oi = 0; oi < p.overs.size(); ++oi) {
      const OverCall& call = p.overs[oi];
      std::map<Row, std::vector<size_t>> parts;
      for (size_t i = 0; i < n; ++i) parts[Keys(call.partition_by, rows[i])].push_back(i);
      for (auto& [key, idx] : parts) {
        std::vector<Row> okeys(n);
        for (size_t i : idx) okeys[i] = Keys(call.order_by, rows[i]);
        auto cmp = [&](size_t a, size_t b) {
          for (size_t k = 0; k < call.order_by.size(); ++k) {
            int c = Compare(okeys[a][k], okeys[b][k]);
            if (c != 0) return call.descending[k] ? c > 0 : c < 0;
          }
          return false;
        };
        std::stable_sort(idx.begin(), idx.end(), cmp);
        auto peer = [&](size_t a, size_t b) { return !cmp(a, b) && !cmp(b, a); };
        int64_t rank = 0, dense = 0;
        for (size_t pos = 0; pos < idx.size(); ++pos) {
          size_t i = idx[pos];
          bool tie = pos > 0 && peer(idx[pos - 1], i);
          if (!tie) {
            rank = static_cast<int64_t>(pos) + 1;
            ++dense;
          }
          if (call.fn == "PERCENT_RANK" || call.fn == "CUME_DIST" || call.fn == "NTILE") {
            int64_t n = static_cast<int64_t>(idx.size());
            if (call.fn == "PERCENT_RANK") {
              extra[i][oi] =
                  Value::Double(n <= 1 ? 0.0 : static_cast<double>(rank - 1) / static_cast<double>(n - 1));
            } else if (call.fn == "CUME_DIST") {
              size_t last = pos;
              while (last + 1 < idx.size() && peer(idx[last + 1], i)) ++last;
              extra[i][oi] = Value::Double(static_cast<double>(last + 1) / static_cast<double>(n));
            } else {
              int64_t k = call.args.empty()
                              ? 1
                              : std::max<int64_t>(1, Eval(*call.args[0], rows[i], ctx_).int_value());
              int64_t base = n / k, extra_rows = n % k, p0 = static_cast<int64_t>(pos);
              int64_t bucket = p0 < extra_rows * (base + 1)
                                   ? p0 / (base + 1)
                                   : extra_rows + (p0 - extra_rows * (base + 1)) / std::max<int64_t>(base, 1);
              extra[i][oi] = Value::Int(bucket + 1);
            }
            continue;
          }
          if (call.fn == "ROW_NUMBER") {
            extra[i][oi] = Value::Int(static_cast<int64_t>(pos) + 1);
            continue;
          }
          if (call.fn == "RANK") {
            extra[i][oi] = Value::Int(rank);
            continue;
          }
          if (call.fn == "DENSE_RANK") {
            extra[i][oi] = Value::Int(dense);
            continue;
          }
          if (call.fn == "LAG" || call.fn == "LEAD") {
            int64_t off = call.args.size() > 1 ? Eval(*call.args[1], rows[i], ctx_).int_value() : 1;
            int64_t j = call.fn == "LAG" ? static_cast<int64_t>(pos) - off : static_cast<int64_t>(pos) + off;
            if (j >= 0 && j < static_cast<int64_t>(idx.size()))
              extra[i][oi] = Eval(*call.args[0], rows[idx[j]], ctx_);
            else
              extra[i][oi] = call.args.size() > 2 ? Eval(*call.args[2], rows[i], ctx_) : Value::Null();
            continue;
          }
          // Frame bounds.
          int64_t lo = 0, hi = static_cast<int64_t>(idx.size()) - 1;
          int64_t P = static_cast<int64_t>(pos);
          if (call.frame_unit == sql::FrameUnit::kRows) {
            if (call.start_kind == sql::FrameBoundKind::kPreceding)
              lo = std::max<int64_t>(0, P - call.start_offset);
            else if (call.start_kind == sql::FrameBoundKind::kCurrentRow)
              lo = P;
            else if (call.start_kind == sql::FrameBoundKind::kFollowing)
              lo = P + call.start_offset;
            if (call.end_kind == sql::FrameBoundKind::kPreceding)
              hi = P - call.end_offset;
            else if (call.end_kind == sql::FrameBoundKind::kCurrentRow)
              hi = P;
            else if (call.end_kind == sql::FrameBoundKind::kFollowing)
              hi = std::min<int64_t>(hi, P + call.end_offset);
          } else if (call.frame_unit == sql::FrameUnit::kRange) {
            // Peers of the current row are in the frame; offsets apply to the first order key.
            auto key_ms = [&](size_t r) -> int64_t {
              const Value& v = okeys[r].empty() ? Value() : okeys[r][0];
              return v.kind() == ValueKind::kInt ? v.int_value() : v.millis();
            };
            lo = 0;
            hi = P;
            while (hi + 1 < static_cast<int64_t>(idx.size()) && peer(idx[hi + 1], i)) ++hi;
            if (call.start_kind == sql::FrameBoundKind::kCurrentRow) {
              lo = P;
              while (lo > 0 && peer(idx[lo - 1], i)) --lo;
            } else if (call.start_kind == sql::FrameBoundKind::kPreceding) {
              int64_t bound = key_ms(i) - call.start_offset;
              lo = P;
              while (lo > 0 && key_ms(idx[lo - 1]) >= bound) --lo;
            }
            if (call.end_kind == sql::FrameBoundKind::kUnboundedFollowing)
              hi = static_cast<int64_t>(idx.size()) - 1;
          }
          AggCall agg;
          agg.fn = call.agg;
          agg.type = call.type;
          agg.distinct = call.distinct;
          for (const auto& a : call.args) agg.args.push_back(nullptr), (void)a;
          AggAcc acc;
          std::vector<Value> args;
          for (int64_t j = lo; j <= hi; ++j) {
            if (j < 0 || j >= static_cast<int64_t>(idx.size())) continue;
            args.clear();
            for (const auto& a : call.args) args.push_back(Eval(*a, rows[idx[j]], ctx_));
            AggCall probe;
            probe.fn = call.agg;
            probe.type = call.type;
            probe.distinct = call.distinct;
            if (!call.args.empty()) probe.args.push_back(MakeConst(Value(), call.args[0]->type));
            Accumulate(probe, acc, args, true);
          }
          AggCall fin;
          fin.fn = call.agg;
          fin.type = call.type;
          fin.distinct = call.distinct;
          if (!call.args.empty()) fin.args.push_back(MakeConst(Value(), call.args[0]->type));
          extra[i][oi] = Finish(fin, acc, ctx_);
        }
      }
    }
    for (size_t i = 0; i < n; ++i) {
      Row row = rows[i];
      row.insert(row.end(), extra[i].begin(), extra[i].end());
      out->push_back(Change{RowKind::kInsert, std::move(row)});
    }
    return Check();
  }

  // ---- set operations
  absl::Status SetOp(const PlanNode& p, std::vector<Change>* out) {
    std::vector<Change> left, right;
    FLINKDBT_RETURN_IF_ERROR(Run(*p.inputs[0], &left));
    FLINKDBT_RETURN_IF_ERROR(Run(*p.inputs[1], &right));
    if (p.set_op == sql::SetOpKind::kUnion && p.set_all) {
      out->insert(out->end(), left.begin(), left.end());
      out->insert(out->end(), right.begin(), right.end());
      return absl::OkStatus();
    }
    struct Counts {
      int64_t l = 0, r = 0, emitted = 0;
    };
    absl::flat_hash_map<Row, Counts, RowHash, RowEq> counts;
    auto want = [&](const Counts& c) -> int64_t {
      switch (p.set_op) {
        case sql::SetOpKind::kUnion:
          return c.l + c.r > 0 ? 1 : 0;
        case sql::SetOpKind::kIntersect:
          return p.set_all ? std::min(c.l, c.r) : (c.l > 0 && c.r > 0 ? 1 : 0);
        case sql::SetOpKind::kExcept:
          return p.set_all ? std::max<int64_t>(c.l - c.r, 0) : (c.l > 0 && c.r == 0 ? 1 : 0);
      }
      return 0;
    };
    auto apply = [&](const Change& ch, bool is_left) {
      Counts& c = counts[ch.row];
      int64_t d = IsAccumulate(ch.kind) ? 1 : -1;
      (is_left ? c.l : c.r) += d;
      int64_t w = want(c);
      while (c.emitted < w) {
        out->push_back(Change{RowKind::kInsert, ch.row});
        ++c.emitted;
      }
      while (c.emitted > w) {
        out->push_back(Change{RowKind::kDelete, ch.row});
        --c.emitted;
      }
    };
    for (const auto& c : left) apply(c, true);
    for (const auto& c : right) apply(c, false);
    return absl::OkStatus();
  }

  // ---- ORDER BY / LIMIT over the final table
  absl::Status Sort(const PlanNode& p, std::vector<Change>* out) {
    std::vector<Change> in;
    FLINKDBT_RETURN_IF_ERROR(Run(*p.inputs[0], &in));
    std::vector<Row> rows = Executor::Materialize(in);
    if (!p.exprs.empty()) {
      std::vector<std::pair<Row, size_t>> keyed;
      for (size_t i = 0; i < rows.size(); ++i) keyed.emplace_back(Keys(p.exprs, rows[i]), i);
      std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
        for (size_t k = 0; k < p.exprs.size(); ++k) {
          const Value& x = a.first[k];
          const Value& y = b.first[k];
          bool desc = p.sort_desc[k];
          if (x.is_null() || y.is_null()) {
            if (x.is_null() && y.is_null()) continue;
            bool nulls_first = p.sort_nulls[k] == 1 || (p.sort_nulls[k] == 0 && !desc);
            return x.is_null() ? nulls_first : !nulls_first;
          }
          int c = Compare(x, y);
          if (c != 0) return desc ? c > 0 : c < 0;
        }
        return false;
      });
      std::vector<Row> sorted;
      for (auto& [k, i] : keyed) sorted.push_back(std::move(rows[i]));
      rows = std::move(sorted);
    }
    size_t start = static_cast<size_t>(std::max<int64_t>(0, p.offset_rows));
    size_t end = p.limit >= 0 ? std::min(rows.size(), start + static_cast<size_t>(p.limit)) : rows.size();
    for (size_t i = start; i < end; ++i) out->push_back(Change{RowKind::kInsert, std::move(rows[i])});
    return Check();
  }

  absl::Status Unnest(const PlanNode& p, std::vector<Change>* out) {
    std::vector<Change> in;
    FLINKDBT_RETURN_IF_ERROR(Run(*p.inputs[0], &in));
    for (const auto& c : in) {
      Value arr = Eval(*p.exprs[0], c.row, ctx_);
      if (arr.is_null()) continue;
      const auto& items = arr.items();
      bool map = arr.kind() == ValueKind::kMap;
      size_t step = map ? 2 : 1;
      for (size_t i = 0, ord = 1; i < items.size(); i += step, ++ord) {
        Row row = c.row;
        if (map) {
          row.push_back(items[i]);
          row.push_back(items[i + 1]);
        } else if (items[i].kind() == ValueKind::kRow &&
                   p.columns.size() - c.row.size() - (p.with_ordinality ? 1 : 0) > 1) {
          for (const auto& f : items[i].items()) row.push_back(f);
        } else {
          row.push_back(items[i]);
        }
        if (p.with_ordinality) row.push_back(Value::Int(static_cast<int64_t>(ord)));
        out->push_back(Change{c.kind, std::move(row)});
      }
    }
    return Check();
  }

  Executor* ex_;
  EvalContext ctx_;
};

}  // namespace

absl::Status Executor::Run(const PlanNode& plan, std::vector<const Row*> outer, std::vector<Change>* out) {
  Runner r(this, std::move(outer));
  return r.Run(plan, out);
}

}  // namespace flinkdbt::engine
