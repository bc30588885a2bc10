// Connectors of the local engine: `faker` (a documented subset of Java Faker expressions),
// `datagen` (Apache Flink's sequence and random kinds) and the `examples` marketplace tables.
// Every generator is deterministic: the same table definition and seed give the same rows.
#include "engine/connectors.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/ascii.h"
#include "engine/functions.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/sql/catalog.h"
#include "fmt/format.h"

namespace flinkdbt::engine {

using sql::DataType;
using sql::TypeRoot;

namespace {

// SplitMix64: a small, fast, well-distributed deterministic generator.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // [lo, hi)
  int64_t Between(int64_t lo, int64_t hi) {
    if (hi <= lo) return lo;
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo));
  }
  double Unit() { return static_cast<double>(Next() >> 11) / static_cast<double>(1ULL << 53); }

 private:
  uint64_t s_;
};

uint64_t HashString(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

const std::vector<std::string>& Words(const std::string& kind) {
  static const std::map<std::string, std::vector<std::string>>* const kLists =
      new std::map<std::string, std::vector<std::string>>{
          {"firstname",
           {"Alice",   "Bob",  "Carol",  "Dave",  "Erin",   "Frank", "Grace", "Heidi",  "Ivan",   "Judy",
            "Mallory", "Niaj", "Olivia", "Peggy", "Rupert", "Sybil", "Trent", "Victor", "Walter", "Yvonne"}},
          {"lastname", {"Smith",    "Johnson",   "Williams", "Brown",     "Jones",   "Garcia",   "Miller",
                        "Davis",    "Rodriguez", "Martinez", "Hernandez", "Lopez",   "Gonzalez", "Wilson",
                        "Anderson", "Thomas",    "Taylor",   "Moore",     "Jackson", "Martin"}},
          {"city", {"Berlin",    "Paris",    "London",     "Madrid",    "Rome",     "Vienna", "Prague",
                    "Warsaw",    "Lisbon",   "Dublin",     "Oslo",      "Helsinki", "Athens", "Zurich",
                    "Amsterdam", "Brussels", "Copenhagen", "Stockholm", "Budapest", "Munich"}},
          {"country",
           {"Germany",     "France",   "United Kingdom", "Spain",  "Italy",   "Austria", "Czechia",
            "Poland",      "Portugal", "Ireland",        "Norway", "Finland", "Greece",  "Switzerland",
            "Netherlands", "Belgium",  "Denmark",        "Sweden", "Hungary", "Croatia"}},
          {"countrycode", {"DE", "FR", "GB", "ES", "IT", "AT", "CZ", "PL", "PT", "IE",
                           "NO", "FI", "GR", "CH", "NL", "BE", "DK", "SE", "HU", "HR"}},
          {"state", {"Alabama", "Alaska", "Arizona",  "California", "Colorado", "Florida",   "Georgia",
                     "Hawaii",  "Idaho",  "Illinois", "Iowa",       "Kansas",   "Maine",     "Nevada",
                     "Ohio",    "Oregon", "Texas",    "Utah",       "Vermont",  "Washington"}},
          {"street",
           {"Main Street", "Oak Avenue", "Pine Road", "Maple Lane", "Cedar Court", "Elm Street", "Lake Drive",
            "Hill Road", "Park Avenue", "River Road"}},
          {"word", {"alpha", "beta",    "gamma",  "delta",       "omega",      "lorem", "ipsum",
                    "dolor", "sit",     "amet",   "consectetur", "adipiscing", "elit",  "sed",
                    "do",    "eiusmod", "tempor", "magna",       "aliqua",     "veniam"}},
          {"department", {"Books",  "Electronics", "Garden",   "Grocery",   "Health", "Home",  "Jewelry",
                          "Kids",   "Music",       "Outdoors", "Shoes",     "Sports", "Tools", "Toys",
                          "Beauty", "Baby",        "Clothing", "Computers", "Games",  "Movies"}},
          {"productname",
           {"Awesome Steel Chair", "Ergonomic Cotton Gloves", "Durable Wool Hat", "Sleek Paper Lamp",
            "Rustic Bronze Watch", "Heavy Duty Copper Plate", "Lightweight Silk Bag",
            "Fantastic Wooden Table", "Gorgeous Marble Bottle", "Practical Plastic Keyboard"}},
          {"color",
           {"red", "green", "blue", "yellow", "purple", "orange", "black", "white", "silver", "teal"}},
          {"brand",
           {"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vehement", "Massive Dynamic", "Soylent",
            "Stark", "Wayne"}},
          {"company",
           {"Acme Corp", "Globex Inc", "Initech LLC", "Umbrella Group", "Hooli Ltd", "Vandelay Industries",
            "Wonka Industries", "Cyberdyne Systems", "Tyrell Corp", "Oscorp"}},
          {"industry",
           {"Retail", "Banking", "Insurance", "Logistics", "Healthcare", "Media", "Telecom", "Energy",
            "Software", "Manufacturing"}},
          {"useragent",
           {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 "
            "Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.2 Safari/605.1.15",
            "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Mobile/15E148"}},
          {"domain", {"example.com", "example.org", "example.net", "shop.example", "mail.example"}},
      };
  auto it = kLists->find(kind);
  return it->second;
}

std::string Pick(Rng& rng, const std::string& kind) {
  const auto& w = Words(kind);
  return w[rng.Next() % w.size()];
}

// One #{provider.method 'arg',...} call.
struct FakerCall {
  std::string method;  // lower-case "provider.method"
  std::vector<std::string> args;
};

// A parsed expression: literal text and calls.
struct FakerExpr {
  std::vector<std::string> literals;  // literals.size() == calls.size() + 1
  std::vector<FakerCall> calls;
};

const std::vector<std::string>& SupportedFakerMethods() {
  static const std::vector<std::string>* const kMethods =
      new std::vector<std::string>{"number.numberbetween",
                                   "number.randomdouble",
                                   "number.randomnumber",
                                   "number.digits",
                                   "number.digit",
                                   "name.firstname",
                                   "name.lastname",
                                   "name.fullname",
                                   "name.name",
                                   "name.username",
                                   "name.title",
                                   "address.city",
                                   "address.country",
                                   "address.countrycode",
                                   "address.state",
                                   "address.streetaddress",
                                   "address.zipcode",
                                   "address.postcode",
                                   "address.buildingnumber",
                                   "address.latitude",
                                   "address.longitude",
                                   "internet.emailaddress",
                                   "internet.url",
                                   "internet.uuid",
                                   "internet.ipv4address",
                                   "internet.domainname",
                                   "internet.useragentany",
                                   "internet.password",
                                   "options.option",
                                   "bool.bool",
                                   "lorem.word",
                                   "lorem.sentence",
                                   "lorem.characters",
                                   "commerce.productname",
                                   "commerce.price",
                                   "commerce.department",
                                   "commerce.color",
                                   "commerce.material",
                                   "commerce.promotioncode",
                                   "company.name",
                                   "company.industry",
                                   "date.past",
                                   "date.future",
                                   "date.birthday",
                                   "color.name",
                                   "idnumber.valid",
                                   "code.isbn10",
                                   "code.isbn13",
                                   "finance.creditcard",
                                   "phonenumber.cellphone",
                                   "phonenumber.phonenumber",
                                   "regexify"};
  return *kMethods;
}

absl::StatusOr<FakerExpr> ParseFaker(const std::string& text) {
  FakerExpr e;
  std::string lit;
  size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 2, "#{") == 0) {
      size_t end = text.find('}', i + 2);
      if (end == std::string::npos)
        return absl::InvalidArgumentError(fmt::format("unterminated '#{{' in faker expression '{}'", text));
      std::string body = text.substr(i + 2, end - i - 2);
      // method name up to the first space, then quoted arguments separated by commas.
      size_t sp = body.find(' ');
      FakerCall call;
      call.method = absl::AsciiStrToLower(ToAbsl(body.substr(0, sp)));
      if (sp != std::string::npos) {
        std::string rest = body.substr(sp + 1);
        size_t p = 0;
        while (p < rest.size()) {
          while (p < rest.size() && (rest[p] == ' ' || rest[p] == ',')) ++p;
          if (p >= rest.size()) break;
          if (rest[p] == '\'') {
            size_t q = rest.find('\'', p + 1);
            if (q == std::string::npos)
              return absl::InvalidArgumentError(
                  fmt::format("unterminated quote in faker expression '{}'", text));
            call.args.push_back(rest.substr(p + 1, q - p - 1));
            p = q + 1;
          } else {
            size_t q = rest.find(',', p);
            std::string a = rest.substr(p, q == std::string::npos ? std::string::npos : q - p);
            while (!a.empty() && a.back() == ' ') a.pop_back();
            call.args.push_back(a);
            p = q == std::string::npos ? rest.size() : q;
          }
        }
      }
      const auto& ok = SupportedFakerMethods();
      if (std::find(ok.begin(), ok.end(), call.method) == ok.end())
        return absl::InvalidArgumentError(
            fmt::format("faker expression '#{{{}}}' is not supported by the local engine (supported: {})",
                        body, fmt::join(ok, ", ")));
      e.literals.push_back(lit);
      lit.clear();
      e.calls.push_back(std::move(call));
      i = end + 1;
    } else {
      lit.push_back(text[i++]);
    }
  }
  e.literals.push_back(lit);
  return e;
}

int64_t ArgInt(const FakerCall& c, size_t i, int64_t def) {
  if (i >= c.args.size()) return def;
  try {
    return std::stoll(c.args[i]);
  } catch (...) {
    return def;
  }
}

std::string Digits(Rng& rng, int64_t n) {
  std::string out;
  for (int64_t i = 0; i < n; ++i) out.push_back(static_cast<char>('0' + rng.Next() % 10));
  return out;
}

int64_t UnitMillis(const std::string& unit) {
  std::string u = absl::AsciiStrToUpper(ToAbsl(unit));
  if (u == "MILLISECONDS") return 1;
  if (u == "SECONDS") return 1000;
  if (u == "MINUTES") return 60000;
  if (u == "HOURS") return 3600000;
  return 86400000;  // DAYS
}

// Evaluates one faker call to text (timestamps as "yyyy-MM-dd HH:mm:ss.SSS").
std::string EvalFaker(const FakerCall& c, Rng& rng, int64_t now) {
  const std::string& m = c.method;
  if (m == "number.numberbetween") return std::to_string(rng.Between(ArgInt(c, 0, 0), ArgInt(c, 1, 100)));
  if (m == "number.randomdouble") {
    int64_t dec = ArgInt(c, 0, 2);
    int64_t lo = ArgInt(c, 1, 0), hi = ArgInt(c, 2, 100);
    double v = static_cast<double>(lo) + rng.Unit() * static_cast<double>(hi - lo);
    return fmt::format("{:.{}f}", v, static_cast<int>(std::clamp<int64_t>(dec, 0, 15)));
  }
  if (m == "number.randomnumber") {
    int64_t digits = ArgInt(c, 0, 9);
    std::string d = Digits(rng, std::clamp<int64_t>(digits, 1, 18));
    while (d.size() > 1 && d[0] == '0') d.erase(0, 1);
    return d;
  }
  if (m == "number.digits") return Digits(rng, ArgInt(c, 0, 1));
  if (m == "number.digit") return Digits(rng, 1);
  if (m == "name.firstname") return Pick(rng, "firstname");
  if (m == "name.lastname") return Pick(rng, "lastname");
  if (m == "name.fullname" || m == "name.name") return Pick(rng, "firstname") + " " + Pick(rng, "lastname");
  if (m == "name.username")
    return absl::AsciiStrToLower(ToAbsl(Pick(rng, "firstname") + "." + Pick(rng, "lastname")));
  if (m == "name.title") return Pick(rng, "industry") + " Manager";
  if (m == "address.city") return Pick(rng, "city");
  if (m == "address.country") return Pick(rng, "country");
  if (m == "address.countrycode") return Pick(rng, "countrycode");
  if (m == "address.state") return Pick(rng, "state");
  if (m == "address.streetaddress") return std::to_string(rng.Between(1, 999)) + " " + Pick(rng, "street");
  if (m == "address.zipcode" || m == "address.postcode") return Digits(rng, 5);
  if (m == "address.buildingnumber") return std::to_string(rng.Between(1, 999));
  if (m == "address.latitude") return fmt::format("{:.6f}", rng.Unit() * 180 - 90);
  if (m == "address.longitude") return fmt::format("{:.6f}", rng.Unit() * 360 - 180);
  if (m == "internet.emailaddress")
    return absl::AsciiStrToLower(ToAbsl(Pick(rng, "firstname") + "." + Pick(rng, "lastname"))) + "@" +
           Pick(rng, "domain");
  if (m == "internet.url") return "https://www." + Pick(rng, "domain") + "/" + Pick(rng, "word");
  if (m == "internet.domainname") return Pick(rng, "domain");
  if (m == "internet.uuid") {
    std::string h;
    for (int i = 0; i < 16; ++i) {
      h += fmt::format("{:02x}", static_cast<unsigned>(rng.Next() & 0xff));
      if (i == 3 || i == 5 || i == 7 || i == 9) h += "-";
    }
    return h;
  }
  if (m == "internet.ipv4address")
    return fmt::format("{}.{}.{}.{}", rng.Between(1, 255), rng.Between(0, 256), rng.Between(0, 256),
                       rng.Between(1, 255));
  if (m == "internet.useragentany") return Pick(rng, "useragent");
  if (m == "internet.password") return Pick(rng, "word") + Digits(rng, 4);
  if (m == "options.option") return c.args.empty() ? "" : c.args[rng.Next() % c.args.size()];
  if (m == "bool.bool") return rng.Next() % 2 ? "true" : "false";
  if (m == "lorem.word") return Pick(rng, "word");
  if (m == "lorem.sentence") {
    std::string s = Pick(rng, "word");
    s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    for (int i = 0; i < 5; ++i) s += " " + Pick(rng, "word");
    return s + ".";
  }
  if (m == "lorem.characters") {
    std::string s;
    for (int64_t i = 0; i < ArgInt(c, 0, 10); ++i) s.push_back(static_cast<char>('a' + rng.Next() % 26));
    return s;
  }
  if (m == "commerce.productname") return Pick(rng, "productname");
  if (m == "commerce.price")
    return fmt::format("{:.2f}", static_cast<double>(ArgInt(c, 0, 1)) +
                                     rng.Unit() * static_cast<double>(ArgInt(c, 1, 100) - ArgInt(c, 0, 1)));
  if (m == "commerce.department") return Pick(rng, "department");
  if (m == "commerce.color" || m == "color.name") return Pick(rng, "color");
  if (m == "commerce.material") return Pick(rng, "word");
  if (m == "commerce.promotioncode") return absl::AsciiStrToUpper(ToAbsl(Pick(rng, "word"))) + Digits(rng, 6);
  if (m == "company.name") return Pick(rng, "company");
  if (m == "company.industry") return Pick(rng, "industry");
  if (m == "date.past" || m == "date.future" || m == "date.birthday") {
    int64_t span = m == "date.birthday"
                       ? 60LL * 365 * 86400000
                       : ArgInt(c, 0, 1) * UnitMillis(c.args.size() > 1 ? c.args[1] : "DAYS");
    int64_t off = span > 0 ? static_cast<int64_t>(rng.Next() % static_cast<uint64_t>(span)) : 0;
    int64_t t = m == "date.future" ? now + off : now - off;
    return FormatTimestamp(t, 0, 3);
  }
  if (m == "idnumber.valid") return Digits(rng, 3) + "-" + Digits(rng, 2) + "-" + Digits(rng, 4);
  if (m == "code.isbn10") return Digits(rng, 10);
  if (m == "code.isbn13") return "978" + Digits(rng, 10);
  if (m == "finance.creditcard") return "4" + Digits(rng, 15);
  if (m == "phonenumber.cellphone" || m == "phonenumber.phonenumber")
    return "+1-" + Digits(rng, 3) + "-" + Digits(rng, 3) + "-" + Digits(rng, 4);
  if (m == "regexify") return Pick(rng, "word");
  return "";
}

Value FromText(const std::string& text, const DataType& type, const SessionInfo* session) {
  EvalContext ctx;
  ctx.session = session;
  return CastValue(Value::String(text), DataType::String(), type, true, ctx);
}

// A value of `type` for a column with no generator configured.
Value RandomOf(const DataType& type, Rng& rng, int64_t row, int64_t now, int64_t length) {
  switch (type.root) {
    case TypeRoot::kBoolean:
      return Value::Bool(rng.Next() % 2);
    case TypeRoot::kTinyInt:
      return Value::Int(rng.Between(-128, 128));
    case TypeRoot::kSmallInt:
      return Value::Int(rng.Between(-32768, 32768));
    case TypeRoot::kInt:
      return Value::Int(static_cast<int32_t>(rng.Next()));
    case TypeRoot::kBigInt:
      return Value::Int(static_cast<int64_t>(rng.Next()));
    case TypeRoot::kFloat:
    case TypeRoot::kDouble:
      return Value::Double(rng.Unit() * 1000);
    case TypeRoot::kDecimal: {
      Int128 max = Pow10(std::min(type.precision, 18));
      return Value::Dec(Decimal{static_cast<Int128>(rng.Next() % static_cast<uint64_t>(max)), type.scale});
    }
    case TypeRoot::kChar:
    case TypeRoot::kVarChar: {
      int64_t n = std::min<int64_t>(length, type.precision);
      std::string s;
      for (int64_t i = 0; i < n; ++i) s.push_back("0123456789abcdef"[rng.Next() % 16]);
      return Value::String(s);
    }
    case TypeRoot::kBinary:
    case TypeRoot::kVarBinary: {
      std::string s;
      for (int64_t i = 0; i < std::min<int64_t>(length, type.precision); ++i)
        s.push_back(static_cast<char>(rng.Next() & 0xff));
      return Value::Bytes(s);
    }
    case TypeRoot::kDate:
      return Value::Date(now / 86400000 - static_cast<int64_t>(rng.Next() % 365));
    case TypeRoot::kTime:
      return Value::Time(static_cast<int64_t>(rng.Next() % 86400000));
    case TypeRoot::kTimestamp:
      return Value::Timestamp(now + row * 1000);
    case TypeRoot::kTimestampLtz:
      return Value::TimestampLtz(now + row * 1000);
    default:
      return Value::Null();
  }
}

std::string Opt(const CatalogObject& t, const std::string& key, const std::string& def = "") {
  auto it = t.options.find(key);
  return it == t.options.end() ? def : it->second;
}

absl::StatusOr<int64_t> OptInt(const CatalogObject& t, const std::string& key, int64_t def) {
  auto it = t.options.find(key);
  if (it == t.options.end()) return def;
  try {
    size_t used = 0;
    int64_t v = std::stoll(it->second, &used);
    if (used != it->second.size()) throw 1;
    return v;
  } catch (...) {
    return absl::InvalidArgumentError(
        fmt::format("option '{}' of table '{}' must be an integer, got '{}'", key, t.name, it->second));
  }
}

// The base time of generated event times: a fixed instant, so runs are reproducible.
constexpr int64_t kBaseMillis = 1704067200000;  // 2024-01-01 00:00:00 UTC

absl::Status GenerateFaker(const CatalogObject& t, const SessionInfo* session, std::vector<Change>* out,
                           std::vector<int64_t>* rowtimes) {
  FLINKDBT_ASSIGN_OR_RETURN(int64_t rows, OptInt(t, "number-of-rows", -1));
  if (rows < 0)
    return absl::FailedPreconditionError(fmt::format(
        "faker table '{}' is unbounded; set 'number-of-rows' to read it on the local target", t.name));
  FLINKDBT_ASSIGN_OR_RETURN(int64_t seed, OptInt(t, "seed", 0));
  FLINKDBT_ASSIGN_OR_RETURN(int64_t rps, OptInt(t, "rows-per-second", 1000));
  if (rps <= 0) rps = 1000;
  std::vector<int> phys = t.PhysicalColumns();
  struct Col {
    std::optional<FakerExpr> expr;
    double null_rate = 0;
    Rng rng{0};
  };
  std::vector<Col> cols;
  for (int ci : phys) {
    const ColumnDef& c = t.columns[ci];
    Col col;
    std::string e = Opt(t, "fields." + c.name + ".expression");
    if (!e.empty()) {
      auto parsed = ParseFaker(e);
      if (!parsed.ok())
        return absl::InvalidArgumentError(
            fmt::format("table '{}' column '{}': {}", t.name, c.name, parsed.status().message()));
      col.expr = *parsed;
    }
    std::string nr = Opt(t, "fields." + c.name + ".null-rate");
    if (!nr.empty()) col.null_rate = std::strtod(nr.c_str(), nullptr);
    col.rng = Rng(HashString(t.name + "." + c.name) ^ static_cast<uint64_t>(seed) * 0x9E3779B97F4A7C15ULL);
    cols.push_back(std::move(col));
  }
  int64_t now = kBaseMillis;
  for (int64_t r = 0; r < rows; ++r) {
    Row row;
    for (size_t k = 0; k < phys.size(); ++k) {
      Col& col = cols[k];
      const DataType& type = t.columns[phys[k]].type;
      if (col.null_rate > 0 && col.rng.Unit() < col.null_rate) {
        row.push_back(Value::Null());
        continue;
      }
      if (!col.expr) {
        row.push_back(RandomOf(type, col.rng, r, now, 10));
        continue;
      }
      std::string text = col.expr->literals[0];
      for (size_t i = 0; i < col.expr->calls.size(); ++i)
        text += EvalFaker(col.expr->calls[i], col.rng, now + r * 1000 / rps) + col.expr->literals[i + 1];
      row.push_back(FromText(text, type, session));
    }
    out->push_back(Change{RowKind::kInsert, std::move(row)});
    rowtimes->push_back(now + r * 1000 / rps);
  }
  return absl::OkStatus();
}

absl::Status GenerateDatagen(const CatalogObject& t, const SessionInfo* session, std::vector<Change>* out,
                             std::vector<int64_t>* rowtimes) {
  (void)session;
  std::vector<int> phys = t.PhysicalColumns();
  FLINKDBT_ASSIGN_OR_RETURN(int64_t rows, OptInt(t, "number-of-rows", -1));
  FLINKDBT_ASSIGN_OR_RETURN(int64_t rps, OptInt(t, "rows-per-second", 10000));
  if (rps <= 0) rps = 10000;
  struct Col {
    bool sequence = false;
    int64_t start = 0, end = 0;
    std::optional<double> min, max;
    int64_t length = 100;
    int64_t max_past = 0;
    double null_rate = 0;
    Rng rng{0};
  };
  std::vector<Col> cols;
  int64_t seq_rows = -1;
  for (int ci : phys) {
    const ColumnDef& c = t.columns[ci];
    Col col;
    std::string p = "fields." + c.name + ".";
    std::string kind = Opt(t, p + "kind", "random");
    if (kind != "random" && kind != "sequence")
      return absl::InvalidArgumentError(fmt::format(
          "datagen table '{}': '{}kind' must be 'random' or 'sequence', got '{}'", t.name, p, kind));
    col.sequence = kind == "sequence";
    if (col.sequence) {
      if (!t.options.count(p + "start") || !t.options.count(p + "end"))
        return absl::InvalidArgumentError(fmt::format(
            "datagen table '{}': sequence field '{}' needs '{}start' and '{}end'", t.name, c.name, p, p));
      FLINKDBT_ASSIGN_OR_RETURN(col.start, OptInt(t, p + "start", 0));
      FLINKDBT_ASSIGN_OR_RETURN(col.end, OptInt(t, p + "end", 0));
      int64_t n = col.end - col.start + 1;
      seq_rows = seq_rows < 0 ? n : std::min(seq_rows, n);
    }
    if (t.options.count(p + "min")) col.min = std::strtod(Opt(t, p + "min").c_str(), nullptr);
    if (t.options.count(p + "max")) col.max = std::strtod(Opt(t, p + "max").c_str(), nullptr);
    FLINKDBT_ASSIGN_OR_RETURN(col.length, OptInt(t, p + "length", 100));
    std::string past = Opt(t, p + "max-past");
    if (!past.empty()) col.max_past = std::strtoll(past.c_str(), nullptr, 10);
    std::string nr = Opt(t, p + "null-rate");
    if (!nr.empty()) col.null_rate = std::strtod(nr.c_str(), nullptr);
    col.rng = Rng(HashString(t.name + "." + c.name));
    cols.push_back(std::move(col));
  }
  if (rows < 0)
    rows = seq_rows;
  else if (seq_rows >= 0)
    rows = std::min(rows, seq_rows);
  if (rows < 0)
    return absl::FailedPreconditionError(
        fmt::format("datagen table '{}' is unbounded; set 'number-of-rows' (or sequence fields) to read it "
                    "on the local target",
                    t.name));
  for (int64_t r = 0; r < rows; ++r) {
    Row row;
    int64_t now = kBaseMillis + r * 1000 / rps;
    for (size_t k = 0; k < phys.size(); ++k) {
      Col& col = cols[k];
      const DataType& type = t.columns[phys[k]].type;
      if (col.null_rate > 0 && col.rng.Unit() < col.null_rate) {
        row.push_back(Value::Null());
        continue;
      }
      if (col.sequence) {
        int64_t v = col.start + r;
        if (sql::IsCharacterString(type))
          row.push_back(Value::String(std::to_string(v)));
        else if (type.root == TypeRoot::kDecimal)
          row.push_back(Value::Dec(Decimal{v, 0}.Rescale(type.scale)));
        else if (sql::IsApproxNumeric(type))
          row.push_back(Value::Double(static_cast<double>(v)));
        else
          row.push_back(Value::Int(v));
        continue;
      }
      if ((col.min || col.max) && (sql::IsNumeric(type))) {
        double lo = col.min.value_or(0), hi = col.max.value_or(lo + 1000);
        if (sql::IsIntegral(type)) {
          row.push_back(Value::Int(col.rng.Between(static_cast<int64_t>(lo), static_cast<int64_t>(hi) + 1)));
        } else {
          double d = lo + col.rng.Unit() * (hi - lo);
          if (type.root == TypeRoot::kDecimal)
            row.push_back(Value::Dec(*Decimal::FromDouble(d, type.scale)));
          else
            row.push_back(Value::Double(d));
        }
        continue;
      }
      if (sql::IsTimestamp(type) && col.max_past > 0) {
        int64_t ts = now - static_cast<int64_t>(col.rng.Next() % static_cast<uint64_t>(col.max_past));
        row.push_back(type.root == TypeRoot::kTimestampLtz ? Value::TimestampLtz(ts) : Value::Timestamp(ts));
        continue;
      }
      row.push_back(RandomOf(type, col.rng, r, now, col.length));
    }
    out->push_back(Change{RowKind::kInsert, std::move(row)});
    rowtimes->push_back(now);
  }
  return absl::OkStatus();
}

// ---- examples.marketplace
//
// The ranges Confluent documents (example-data.html), read as Java Faker's numberBetween does
// (lower bound inclusive, upper exclusive; Confluent's clicks table is '#{Number.numberBetween
// ''3000'',''5000''}'): customer_id 3000-3250 (one row per id here, so every id an order
// references exists), product_id 1000-1500 (likewise), orders with a UUID order_id, customer_id and
// product_id in those ranges and price 0.00-100.00; clicks with a UUID click_id, user_id 3000-5000,
// url matching https://www[.]acme[.]com/product/[a-z]{5} and view_time 10-120.

constexpr int kFirstCustomer = 3000, kEndCustomer = 3250;  // [first, end)
constexpr int kFirstProduct = 1000, kEndProduct = 1500;
constexpr int kOrders = 1000;
constexpr int kClicks = 1000;

// A random (version 4) UUID string from the generator.
std::string Uuid(Rng& rng) {
  uint8_t b[16];
  for (auto& x : b) x = static_cast<uint8_t>(rng.Next() & 0xff);
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
  std::string id;
  for (int k = 0; k < 16; ++k) {
    id += fmt::format("{:02x}", b[k]);
    if (k == 3 || k == 5 || k == 7 || k == 9) id += "-";
  }
  return id;
}

absl::Status GenerateExample(const CatalogObject& t, std::vector<Change>* out,
                             std::vector<int64_t>* rowtimes) {
  Rng rng(HashString("examples.marketplace." + t.name));
  auto add = [&](Row row, int64_t ts) {
    out->push_back(Change{RowKind::kInsert, std::move(row)});
    rowtimes->push_back(ts);
  };
  if (t.name == "customers") {
    for (int id = kFirstCustomer; id < kEndCustomer; ++id) {
      std::string first = Pick(rng, "firstname"), last = Pick(rng, "lastname");
      add({Value::Int(id), Value::String(first + " " + last),
           Value::String(std::to_string(rng.Between(1, 999)) + " " + Pick(rng, "street")),
           Value::String(Digits(rng, 5)), Value::String(Pick(rng, "city")),
           Value::String(absl::AsciiStrToLower(ToAbsl(first + "." + last)) + "@" + Pick(rng, "domain"))},
          kBaseMillis + (id - kFirstCustomer) * 10);
    }
  } else if (t.name == "products") {
    for (int id = kFirstProduct; id < kEndProduct; ++id) {
      add({Value::Int(id), Value::String(Pick(rng, "productname")), Value::String(Pick(rng, "brand")),
           Value::String(Pick(rng, "company")), Value::String(Pick(rng, "department"))},
          kBaseMillis + (id - kFirstProduct) * 10);
    }
  } else if (t.name == "orders") {
    for (int i = 0; i < kOrders; ++i) {
      std::string id = Uuid(rng);
      double price = std::round(rng.Unit() * 10000) / 100;
      add({Value::String(id), Value::Int(rng.Between(kFirstCustomer, kEndCustomer)),
           Value::Int(rng.Between(kFirstProduct, kEndProduct)), Value::Double(price)},
          kBaseMillis + 60000 + i * 1000);
    }
  } else if (t.name == "clicks") {
    for (int i = 0; i < kClicks; ++i) {
      std::string id = Uuid(rng);
      std::string slug;
      for (int k = 0; k < 5; ++k) slug.push_back(static_cast<char>('a' + rng.Between(0, 26)));
      add({Value::String(id), Value::Int(rng.Between(3000, 5000)),
           Value::String("https://www.acme.com/product/" + slug), Value::String(Pick(rng, "useragent")),
           Value::Int(rng.Between(10, 120))},
          kBaseMillis + 60000 + i * 500);
    }
  } else {
    return absl::NotFoundError(fmt::format("unknown examples table '{}'", t.name));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status GenerateConnectorRows(const CatalogObject& table, const SessionInfo* session,
                                   std::vector<Change>* out, std::vector<int64_t>* rowtimes) {
  std::string c = table.connector();
  if (c == "faker") return GenerateFaker(table, session, out, rowtimes);
  if (c == "datagen") return GenerateDatagen(table, session, out, rowtimes);
  if (c == "examples") return GenerateExample(table, out, rowtimes);
  return absl::FailedPreconditionError(fmt::format(
      "connector '{}' of table '{}' is not available on the local target (supported: faker, datagen)", c,
      table.name));
}

absl::Status ValidateConnectorOptions(const CatalogObject& table) {
  std::string c = table.connector();
  if (c.empty()) return absl::OkStatus();
  if (c != "faker" && c != "datagen")
    return absl::InvalidArgumentError(
        fmt::format("connector '{}' is not available on the local target (supported: faker, datagen; tables "
                    "without a connector are stored)",
                    c));
  for (const char* key : {"number-of-rows", "rows-per-second", "seed"}) {
    auto n = OptInt(table, key, 0);
    if (!n.ok()) return n.status();
  }
  for (const auto& [k, v] : table.options) {
    if (c == "faker" && k.rfind("fields.", 0) == 0 && k.size() > 11 &&
        k.compare(k.size() - 11, 11, ".expression") == 0) {
      auto e = ParseFaker(v);
      if (!e.ok()) return e.status();
    }
  }
  if (c == "datagen") {
    std::vector<Change> none;
    std::vector<int64_t> times;
    CatalogObject probe = table;
    probe.options["number-of-rows"] = "0";
    FLINKDBT_RETURN_IF_ERROR(GenerateDatagen(probe, nullptr, &none, &times));
  }
  return absl::OkStatus();
}

std::vector<std::shared_ptr<CatalogObject>> ExampleTables() {
  std::vector<std::shared_ptr<CatalogObject>> out;
  for (const auto& rel : sql::ExampleMarketplaceRelations()) {
    auto obj = std::make_shared<CatalogObject>();
    obj->kind = ObjectKind::kTable;
    obj->catalog = rel.catalog;
    obj->database = rel.database;
    obj->name = rel.name;
    obj->read_only = true;
    obj->options["connector"] = "examples";
    // Keyed tables are upsert streams, the others append-only (clicks: 'changelog.mode' = 'append'
    // in Confluent's SHOW CREATE TABLE). `$rowtime` carries the system watermark
    // (SystemWatermarkSql: SOURCE_WATERMARK() for these tables).
    obj->options["changelog.mode"] = rel.primary_key.empty() ? "append" : "upsert";
    obj->primary_key = rel.primary_key;
    for (const auto& c : rel.columns) {
      if (c.name == "$rowtime") continue;
      ColumnDef d;
      d.name = c.name;
      d.type = c.type.WithoutTimeAttribute();
      obj->columns.push_back(d);
    }
    out.push_back(obj);
  }
  return out;
}

}  // namespace flinkdbt::engine
