#include "engine/persist.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "flinkdbt/base/json_writer.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/sql/types.h"
#include "fmt/format.h"
#include "simdjson.h"

namespace flinkdbt::engine {

namespace {

constexpr const char* kStateFile = "flinkdbt-engine.json";
constexpr const char* kLockFile = "flinkdbt-engine.lock";
constexpr const char* kFormat = "flinkdbt-local-engine";
constexpr int kVersion = 1;

void WriteValue(JsonWriter& w, const Value& v) {
  switch (v.kind()) {
    case ValueKind::kNull:
      w.Null();
      return;
    case ValueKind::kBool:
      w.Bool(v.bool_value());
      return;
    case ValueKind::kInt:
      w.String(fmt::format("i:{}", v.int_value()));
      return;
    case ValueKind::kDouble:
      w.String(fmt::format("f:{:a}", v.double_value()));
      return;
    case ValueKind::kDecimal:
      w.String("n:" + v.decimal_value().ToString());
      return;
    case ValueKind::kString:
      w.String("s:" + v.string_value());
      return;
    case ValueKind::kBytes: {
      std::string hex;
      for (unsigned char c : v.string_value()) hex += fmt::format("{:02x}", c);
      w.String("b:" + hex);
      return;
    }
    case ValueKind::kDate:
      w.String(fmt::format("D:{}", v.millis()));
      return;
    case ValueKind::kTime:
      w.String(fmt::format("t:{}:{}", v.millis(), v.nanos()));
      return;
    case ValueKind::kTimestamp:
      w.String(fmt::format("T:{}:{}", v.millis(), v.nanos()));
      return;
    case ValueKind::kTimestampLtz:
      w.String(fmt::format("Z:{}:{}", v.millis(), v.nanos()));
      return;
    case ValueKind::kIntervalMonths:
      w.String(fmt::format("M:{}", v.int_value()));
      return;
    case ValueKind::kIntervalMillis:
      w.String(fmt::format("I:{}", v.int_value()));
      return;
    case ValueKind::kArray:
    case ValueKind::kMap:
    case ValueKind::kRow:
      w.BeginObject();
      w.Key(v.kind() == ValueKind::kArray ? "a" : v.kind() == ValueKind::kMap ? "m" : "r");
      w.BeginArray();
      for (const auto& x : v.items()) WriteValue(w, x);
      w.EndArray();
      w.EndObject();
      return;
  }
}

absl::StatusOr<Value> ReadValue(simdjson::dom::element e) {
  using T = simdjson::dom::element_type;
  switch (e.type()) {
    case T::NULL_VALUE:
      return Value::Null();
    case T::BOOL:
      return Value::Bool(e.get_bool().value());
    case T::STRING: {
      std::string s(std::string_view(e.get_string().value()));
      if (s.size() < 2 || s[1] != ':') return absl::DataLossError("bad value encoding");
      std::string body = s.substr(2);
      auto two = [&](int64_t* a, int32_t* b) {
        size_t c = body.find(':');
        *a = std::stoll(body.substr(0, c));
        *b = c == std::string::npos ? 0 : std::stoi(body.substr(c + 1));
      };
      int64_t a;
      int32_t b;
      try {
        switch (s[0]) {
          case 'i':
            return Value::Int(std::stoll(body));
          case 'f':
            return Value::Double(std::strtod(body.c_str(), nullptr));
          case 'n': {
            auto d = Decimal::Parse(body);
            if (!d) return absl::DataLossError("bad decimal");
            return Value::Dec(*d);
          }
          case 's':
            return Value::String(body);
          case 'b': {
            std::string bytes;
            for (size_t i = 0; i + 1 < body.size(); i += 2)
              bytes.push_back(static_cast<char>(std::stoi(body.substr(i, 2), nullptr, 16)));
            return Value::Bytes(bytes);
          }
          case 'D':
            return Value::Date(std::stoll(body));
          case 't':
            two(&a, &b);
            return Value::Time(a, b);
          case 'T':
            two(&a, &b);
            return Value::Timestamp(a, b);
          case 'Z':
            two(&a, &b);
            return Value::TimestampLtz(a, b);
          case 'M':
            return Value::IntervalMonths(std::stoll(body));
          case 'I':
            return Value::IntervalMillis(std::stoll(body));
        }
      } catch (...) {
      }
      return absl::DataLossError(fmt::format("bad value '{}'", s));
    }
    case T::OBJECT: {
      for (auto f : e.get_object()) {
        std::vector<Value> items;
        for (auto x : f.value.get_array()) {
          FLINKDBT_ASSIGN_OR_RETURN(Value v, ReadValue(x));
          items.push_back(std::move(v));
        }
        if (f.key == "a") return Value::Array(std::move(items));
        if (f.key == "m") return Value::Map(std::move(items));
        return Value::Row(std::move(items));
      }
      return absl::DataLossError("bad nested value");
    }
    default:
      return absl::DataLossError("bad value");
  }
}

std::string Str(simdjson::dom::element e, const char* key) {
  std::string_view v;
  if (e[key].get(v) != simdjson::SUCCESS) return "";
  return std::string(v);
}

}  // namespace

std::string SerializeCatalog(const Catalog& catalog) {
  JsonWriter w;
  w.BeginObject();
  w.Field("format", kFormat);
  w.Field("version", kVersion);
  w.Field("current_catalog", catalog.current_catalog);
  w.Field("current_database", catalog.current_database);
  w.Key("catalogs").BeginArray();
  for (const auto& [cname, c] : catalog.catalogs()) {
    if (c.read_only) continue;
    w.BeginObject();
    w.Field("name", cname);
    w.Key("options").BeginObject();
    for (const auto& [k, v] : c.options) w.Field(k, v);
    w.EndObject();
    w.Key("databases").BeginArray();
    for (const auto& [dname, d] : c.databases) {
      w.BeginObject();
      w.Field("name", dname);
      w.Key("objects").BeginArray();
      for (const auto& [oname, o] : d.objects) {
        if (o->temporary) continue;
        w.BeginObject();
        w.Field("name", oname);
        w.Field("kind", ObjectKindName(o->kind));
        w.Field("comment", o->comment);
        w.Field("query", o->query_sql);
        w.Key("columns").BeginArray();
        for (const auto& col : o->columns) {
          w.BeginObject();
          w.Field("name", col.name);
          w.Field("type", sql::TypeToSqlString(col.type));
          w.Field("kind", col.kind == ColumnKind::kPhysical   ? "physical"
                          : col.kind == ColumnKind::kComputed ? "computed"
                                                              : "metadata");
          w.Field("expr", col.expr_sql);
          w.Field("metadata_key", col.metadata_key);
          w.Field("virtual", col.is_virtual);
          w.Field("comment", col.comment);
          w.EndObject();
        }
        w.EndArray();
        w.Key("primary_key").BeginArray();
        for (const auto& k : o->primary_key) w.String(k);
        w.EndArray();
        if (o->watermark) {
          w.Key("watermark").BeginObject();
          w.Field("column", o->watermark->column);
          w.Field("expr", o->watermark->expr_sql);
          w.EndObject();
        }
        if (o->distribution) {
          w.Key("distribution").BeginObject();
          w.Field("algorithm", o->distribution->algorithm);
          w.Key("columns").BeginArray();
          for (const auto& k : o->distribution->columns) w.String(k);
          w.EndArray();
          if (o->distribution->buckets) w.Field("buckets", *o->distribution->buckets);
          w.EndObject();
        }
        w.Key("options").BeginObject();
        for (const auto& [k, v] : o->options) w.Field(k, v);
        w.EndObject();
        w.Key("data").BeginArray();
        for (size_t i = 0; i < o->data.log.size(); ++i) {
          const Change& ch = o->data.log[i];
          w.BeginArray();
          w.String(RowKindShortString(ch.kind));
          w.Int(i < o->data.rowtimes.size() ? o->data.rowtimes[i] : 0);
          for (const auto& v : ch.row) WriteValue(w, v);
          w.EndArray();
        }
        w.EndArray();
        w.EndObject();
      }
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.str();
}

absl::Status DeserializeCatalog(std::string_view json, Catalog* catalog) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::padded_string padded(json);
  if (parser.parse(padded).get(root) != simdjson::SUCCESS)
    return absl::DataLossError("the state file is not valid JSON");
  if (Str(root, "format") != kFormat)
    return absl::DataLossError("the state file is not a flinkdbt local engine state file");
  int64_t version = 0;
  if (root["version"].get(version) != simdjson::SUCCESS || version != kVersion)
    return absl::DataLossError(fmt::format("unsupported state file version {}", version));
  catalog->current_catalog = Str(root, "current_catalog");
  catalog->current_database = Str(root, "current_database");
  simdjson::dom::array cats;
  if (root["catalogs"].get(cats) != simdjson::SUCCESS)
    return absl::DataLossError("state file has no catalogs");
  for (auto c : cats) {
    CatalogEntry& entry = catalog->catalogs()[Str(c, "name")];
    entry.databases.clear();
    simdjson::dom::object copts;
    if (c["options"].get(copts) == simdjson::SUCCESS)
      for (auto f : copts)
        entry.options[std::string(f.key)] = std::string(std::string_view(f.value.get_string().value()));
    simdjson::dom::array dbs;
    if (c["databases"].get(dbs) != simdjson::SUCCESS) return absl::DataLossError("catalog without databases");
    for (auto d : dbs) {
      Database& db = entry.databases[Str(d, "name")];
      simdjson::dom::array objs;
      if (d["objects"].get(objs) != simdjson::SUCCESS) return absl::DataLossError("database without objects");
      for (auto oj : objs) {
        auto o = std::make_shared<CatalogObject>();
        o->catalog = Str(c, "name");
        o->database = Str(d, "name");
        o->name = Str(oj, "name");
        std::string kind = Str(oj, "kind");
        o->kind = kind == "VIEW"                 ? ObjectKind::kView
                  : kind == "MATERIALIZED VIEW"  ? ObjectKind::kMaterializedView
                  : kind == "MATERIALIZED TABLE" ? ObjectKind::kMaterializedTable
                                                 : ObjectKind::kTable;
        o->comment = Str(oj, "comment");
        o->query_sql = Str(oj, "query");
        simdjson::dom::array cols;
        if (oj["columns"].get(cols) != simdjson::SUCCESS)
          return absl::DataLossError("object without columns");
        for (auto cj : cols) {
          ColumnDef col;
          col.name = Str(cj, "name");
          auto t = sql::ParseDataType(Str(cj, "type"));
          if (!t.ok()) return absl::DataLossError(fmt::format("bad column type '{}'", Str(cj, "type")));
          col.type = *t;
          std::string k = Str(cj, "kind");
          col.kind = k == "computed"   ? ColumnKind::kComputed
                     : k == "metadata" ? ColumnKind::kMetadata
                                       : ColumnKind::kPhysical;
          col.expr_sql = Str(cj, "expr");
          col.metadata_key = Str(cj, "metadata_key");
          bool virt = false;
          if (cj["virtual"].get(virt) != simdjson::SUCCESS) virt = false;
          col.is_virtual = virt;
          col.comment = Str(cj, "comment");
          o->columns.push_back(col);
        }
        simdjson::dom::array pk;
        if (oj["primary_key"].get(pk) == simdjson::SUCCESS)
          for (auto k : pk) o->primary_key.emplace_back(std::string_view(k.get_string().value()));
        simdjson::dom::element wm;
        if (oj["watermark"].get(wm) == simdjson::SUCCESS)
          o->watermark = WatermarkDef{Str(wm, "column"), Str(wm, "expr")};
        simdjson::dom::element dist;
        if (oj["distribution"].get(dist) == simdjson::SUCCESS) {
          DistributionDef dd;
          dd.algorithm = Str(dist, "algorithm");
          simdjson::dom::array dc;
          if (dist["columns"].get(dc) == simdjson::SUCCESS)
            for (auto k : dc) dd.columns.emplace_back(std::string_view(k.get_string().value()));
          int64_t b;
          if (dist["buckets"].get(b) == simdjson::SUCCESS) dd.buckets = b;
          o->distribution = dd;
        }
        simdjson::dom::object opts;
        if (oj["options"].get(opts) == simdjson::SUCCESS)
          for (auto f : opts)
            o->options[std::string(f.key)] = std::string(std::string_view(f.value.get_string().value()));
        simdjson::dom::array data;
        if (oj["data"].get(data) == simdjson::SUCCESS) {
          for (auto rj : data) {
            simdjson::dom::array arr = rj.get_array().value();
            size_t i = 0;
            Change ch;
            int64_t rt = 0;
            for (auto x : arr) {
              if (i == 0) {
                std::string_view k = x.get_string().value();
                ch.kind = k == "+I"   ? RowKind::kInsert
                          : k == "-U" ? RowKind::kUpdateBefore
                          : k == "+U" ? RowKind::kUpdateAfter
                                      : RowKind::kDelete;
              } else if (i == 1) {
                rt = x.get_int64().value();
              } else {
                FLINKDBT_ASSIGN_OR_RETURN(Value v, ReadValue(x));
                ch.row.push_back(std::move(v));
              }
              ++i;
            }
            o->data.log.push_back(std::move(ch));
            o->data.rowtimes.push_back(rt);
          }
        }
        db.objects[o->name] = o;
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& folder) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(folder, ec)) {
    fs::create_directories(folder, ec);
    if (ec)
      return absl::FailedPreconditionError(
          fmt::format("cannot create engine folder '{}': {}", folder, ec.message()));
  } else if (!fs::is_directory(folder, ec)) {
    return absl::FailedPreconditionError(fmt::format("engine path '{}' exists and is not a folder", folder));
  }
  bool has_state = fs::exists(fs::path(folder) / kStateFile, ec);
  if (!has_state) {
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
      std::string name = entry.path().filename().string();
      if (name != kLockFile && name.rfind(std::string(kStateFile) + ".tmp", 0) != 0)
        return absl::FailedPreconditionError(fmt::format(
            "engine folder '{}' is not empty and holds no {} (foreign folder); refusing to use it", folder,
            kStateFile));
    }
  }
  auto store = std::unique_ptr<Store>(new Store());
  store->folder_ = folder;
  std::string lock = (fs::path(folder) / kLockFile).string();
  store->lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (store->lock_fd_ < 0)
    return absl::FailedPreconditionError(
        fmt::format("cannot open lock file '{}': {}", lock, std::strerror(errno)));
  if (::flock(store->lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(store->lock_fd_);
    store->lock_fd_ = -1;
    return absl::FailedPreconditionError(fmt::format(
        "engine folder '{}' is in use by another flinkdbt process (lock file {} is held)", folder, lock));
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(store->lock_fd_, 0) == 0) {
    ssize_t n = ::write(store->lock_fd_, pid.data(), pid.size());
    (void)n;
  }
  return store;
}

Store::~Store() {
  if (lock_fd_ >= 0) {
    ::flock(lock_fd_, LOCK_UN);
    ::close(lock_fd_);
  }
}

absl::Status Store::Load(Catalog* catalog) {
  namespace fs = std::filesystem;
  fs::path state = fs::path(folder_) / kStateFile;
  std::error_code ec;
  if (!fs::exists(state, ec)) return absl::OkStatus();
  std::ifstream in(state, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  absl::Status s = DeserializeCatalog(ss.str(), catalog);
  if (!s.ok())
    return absl::DataLossError(
        fmt::format("engine state '{}' is corrupt ({}); it was left untouched", state.string(), s.message()));
  return absl::OkStatus();
}

absl::Status Store::Save(const Catalog& catalog) {
  namespace fs = std::filesystem;
  std::string data = SerializeCatalog(catalog);
  std::string final_path = (fs::path(folder_) / kStateFile).string();
  std::string tmp = final_path + ".tmp" + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return absl::InternalError(fmt::format("cannot write '{}': {}", tmp, std::strerror(errno)));
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n <= 0) {
      ::close(fd);
      ::unlink(tmp.c_str());
      return absl::InternalError(fmt::format("cannot write '{}': {}", tmp, std::strerror(errno)));
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return absl::InternalError(fmt::format("cannot sync '{}': {}", tmp, std::strerror(errno)));
  }
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return absl::InternalError(fmt::format("cannot replace '{}': {}", final_path, std::strerror(errno)));
  }
  int dfd = ::open(folder_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return absl::OkStatus();
}

}  // namespace flinkdbt::engine
