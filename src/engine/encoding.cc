// Hash, charset and formatting built-ins: SHA1, SHA2, SHA224, SHA384, SHA512 (MD5 and SHA256 live
// in builtins.cc), ENCODE, DECODE and PRINTF, with Flink's semantics:
// - the hashes return lower-case hex of the UTF-8 bytes; NULL in, NULL out; SHA2's hashLength is
//   224, 256, 384 or 512 (any other length fails the statement, as Java's MessageDigest does);
// - ENCODE(string, charset) / DECODE(bytes, charset) use Java's charset rules for the six charsets
//   Flink documents (US-ASCII, ISO-8859-1, UTF-8, UTF-16BE, UTF-16LE, UTF-16) and their Java
//   aliases: unmappable characters encode as '?', malformed input decodes as U+FFFD;
// - PRINTF(format, args...) is java.util.Formatter (Locale.US) over Flink's internal argument
//   objects (PrintfFunction): only a NULL format gives NULL; a NULL argument prints "null" (%b:
//   "false"); a conversion that does not fit its argument fails the statement.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "engine/builtins.h"
#include "flinkdbt/base/digest.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/base/utf8.h"
#include "fmt/format.h"

namespace flinkdbt::engine {

using sql::DataType;
using sql::TypeRoot;
using Args = std::vector<Value>;
using Types = std::vector<DataType>;

namespace {

absl::Status Error(std::string msg) { return absl::InvalidArgumentError(std::move(msg)); }

// ---------------------------------------------------------------------------------------------
// Hashes

absl::Status BindHash(BExpr& e, const Types& t, CallSyntax&) {
  if (!sql::IsCharacterString(t[0]) && !IsNullType(t[0])) return SignatureError(e, t);
  if (t.size() > 1 && !sql::IsIntegral(t[1]) && !IsNullType(t[1])) return SignatureError(e, t);
  e.type = StringType(t);
  return absl::OkStatus();
}
Value Sha1Fn(const Args& a, const BExpr&, EvalContext&) {
  return Value::String(Sha1Hex(a[0].string_value()));
}
Value Sha224Fn(const Args& a, const BExpr&, EvalContext&) {
  return Value::String(Sha224Hex(a[0].string_value()));
}
Value Sha384Fn(const Args& a, const BExpr&, EvalContext&) {
  return Value::String(Sha384Hex(a[0].string_value()));
}
Value Sha512Fn(const Args& a, const BExpr&, EvalContext&) {
  return Value::String(Sha512Hex(a[0].string_value()));
}
Value Sha2Fn(const Args& a, const BExpr&, EvalContext& ctx) {
  const std::string& s = a[0].string_value();
  switch (a[1].int_value()) {
    case 224:
      return Value::String(Sha224Hex(s));
    case 256:
      return Value::String(Sha256Hex(s));
    case 384:
      return Value::String(Sha384Hex(s));
    case 512:
      return Value::String(Sha512Hex(s));
    default:
      return Fail(ctx, fmt::format("SHA2: unsupported hash length {} (expected 224, 256, 384 or 512)",
                                   a[1].int_value()));
  }
}

// ---------------------------------------------------------------------------------------------
// ENCODE / DECODE

enum class Charset { kAscii, kLatin1, kUtf8, kUtf16Be, kUtf16Le, kUtf16 };

bool FindCharset(const std::string& name, Charset* out) {
  std::string n;
  for (char c : name) n.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  struct Alias {
    const char* name;
    Charset cs;
  };
  static constexpr Alias kAliases[] = {
      {"US-ASCII", Charset::kAscii},
      {"ASCII", Charset::kAscii},
      {"US", Charset::kAscii},
      {"646", Charset::kAscii},
      {"ISO646-US", Charset::kAscii},
      {"ANSI_X3.4-1968", Charset::kAscii},
      {"ISO-8859-1", Charset::kLatin1},
      {"ISO8859-1", Charset::kLatin1},
      {"ISO8859_1", Charset::kLatin1},
      {"ISO_8859-1", Charset::kLatin1},
      {"LATIN1", Charset::kLatin1},
      {"L1", Charset::kLatin1},
      {"8859_1", Charset::kLatin1},
      {"CP819", Charset::kLatin1},
      {"IBM819", Charset::kLatin1},
      {"UTF-8", Charset::kUtf8},
      {"UTF8", Charset::kUtf8},
      {"UNICODE-1-1-UTF-8", Charset::kUtf8},
      {"UTF-16BE", Charset::kUtf16Be},
      {"UTF_16BE", Charset::kUtf16Be},
      {"X-UTF-16BE", Charset::kUtf16Be},
      {"UNICODEBIGUNMARKED", Charset::kUtf16Be},
      {"ISO-10646-UCS-2", Charset::kUtf16Be},
      {"UTF-16LE", Charset::kUtf16Le},
      {"UTF_16LE", Charset::kUtf16Le},
      {"X-UTF-16LE", Charset::kUtf16Le},
      {"UNICODELITTLEUNMARKED", Charset::kUtf16Le},
      {"UTF-16", Charset::kUtf16},
      {"UTF_16", Charset::kUtf16},
      {"UTF16", Charset::kUtf16},
      {"UNICODE", Charset::kUtf16},
      {"UNICODEBIG", Charset::kUtf16},
  };
  for (const Alias& a : kAliases) {
    if (n == a.name) {
      *out = a.cs;
      return true;
    }
  }
  return false;
}

void PutUnit(std::string* out, uint16_t u, bool big_endian) {
  char hi = static_cast<char>(u >> 8), lo = static_cast<char>(u & 0xFF);
  out->push_back(big_endian ? hi : lo);
  out->push_back(big_endian ? lo : hi);
}

absl::Status BindEncode(BExpr& e, const Types& t, CallSyntax&) {
  for (const auto& x : t)
    if (!sql::IsCharacterString(x) && !IsNullType(x)) return SignatureError(e, t);
  e.type = DataType::Bytes(AnyNullable(t));
  return absl::OkStatus();
}
absl::Status BindDecode(BExpr& e, const Types& t, CallSyntax&) {
  if (!sql::IsBinaryString(t[0]) && !IsNullType(t[0])) return SignatureError(e, t);
  if (!sql::IsCharacterString(t[1]) && !IsNullType(t[1])) return SignatureError(e, t);
  e.type = StringType(t);
  return absl::OkStatus();
}

Value EncodeFn(const Args& a, const BExpr&, EvalContext& ctx) {
  Charset cs;
  if (!FindCharset(a[1].string_value(), &cs)) return Fail(ctx, "Unsupported charset: " + a[1].string_value());
  const std::string& s = a[0].string_value();
  if (cs == Charset::kUtf8) return Value::Bytes(s);
  std::string out;
  if (cs == Charset::kUtf16) PutUnit(&out, 0xFEFF, true);  // Java writes a big-endian BOM
  for (size_t pos = 0; pos < s.size();) {
    char32_t cp = utf8::Decode(s, &pos);
    switch (cs) {
      case Charset::kAscii:
        out.push_back(cp < 0x80 ? static_cast<char>(cp) : '?');
        break;
      case Charset::kLatin1:
        out.push_back(cp < 0x100 ? static_cast<char>(cp) : '?');
        break;
      default: {
        bool be = cs != Charset::kUtf16Le;
        if (cp >= 0x10000) {
          char32_t v = cp - 0x10000;
          PutUnit(&out, static_cast<uint16_t>(0xD800 + (v >> 10)), be);
          PutUnit(&out, static_cast<uint16_t>(0xDC00 + (v & 0x3FF)), be);
        } else {
          PutUnit(&out, static_cast<uint16_t>(cp), be);
        }
      }
    }
  }
  return Value::Bytes(std::move(out));
}

Value DecodeFn(const Args& a, const BExpr&, EvalContext& ctx) {
  Charset cs;
  if (!FindCharset(a[1].string_value(), &cs)) return Fail(ctx, "Unsupported charset: " + a[1].string_value());
  const std::string& b = a[0].string_value();
  std::string out;
  switch (cs) {
    case Charset::kAscii:
      for (unsigned char c : b) utf8::Append(&out, c < 0x80 ? c : utf8::kReplacement);
      return Value::String(std::move(out));
    case Charset::kLatin1:
      for (unsigned char c : b) utf8::Append(&out, c);
      return Value::String(std::move(out));
    case Charset::kUtf8:
      for (size_t pos = 0; pos < b.size();) utf8::Append(&out, utf8::Decode(b, &pos));
      return Value::String(std::move(out));
    default:
      break;
  }
  bool be = cs != Charset::kUtf16Le;
  size_t i = 0;
  if (cs == Charset::kUtf16 && b.size() >= 2) {
    auto b0 = static_cast<unsigned char>(b[0]), b1 = static_cast<unsigned char>(b[1]);
    if (b0 == 0xFE && b1 == 0xFF) {
      i = 2;
    } else if (b0 == 0xFF && b1 == 0xFE) {
      be = false;
      i = 2;
    }
  }
  auto unit = [&](size_t at) {
    auto x = static_cast<unsigned char>(b[at]), y = static_cast<unsigned char>(b[at + 1]);
    return static_cast<uint16_t>(be ? (x << 8) | y : (y << 8) | x);
  };
  while (i + 1 < b.size()) {
    uint16_t u = unit(i);
    i += 2;
    if (u >= 0xD800 && u < 0xDC00) {
      if (i + 1 < b.size()) {
        uint16_t l = unit(i);
        if (l >= 0xDC00 && l < 0xE000) {
          i += 2;
          utf8::Append(&out, 0x10000 + ((static_cast<char32_t>(u) - 0xD800) << 10) + (l - 0xDC00));
          continue;
        }
      }
      utf8::Append(&out, utf8::kReplacement);
    } else if (u >= 0xDC00 && u < 0xE000) {
      utf8::Append(&out, utf8::kReplacement);
    } else {
      utf8::Append(&out, u);
    }
  }
  if (i < b.size()) utf8::Append(&out, utf8::kReplacement);  // a dangling odd byte
  return Value::String(std::move(out));
}

// ---------------------------------------------------------------------------------------------
// PRINTF: java.util.Formatter over Flink's internal objects.

// The Java class an argument reaches the Formatter as (Flink's internal data structures).
enum class JavaKind { kNull, kBool, kByte, kShort, kInt, kLong, kFloat, kDouble, kString, kOther };

JavaKind KindOf(const Value& v, const DataType& t) {
  if (v.is_null()) return JavaKind::kNull;
  switch (t.root) {
    case TypeRoot::kBoolean:
      return JavaKind::kBool;
    case TypeRoot::kTinyInt:
      return JavaKind::kByte;
    case TypeRoot::kSmallInt:
      return JavaKind::kShort;
    case TypeRoot::kInt:
    case TypeRoot::kDate:  // internal: int days
    case TypeRoot::kTime:  // internal: int millis of the day
      return JavaKind::kInt;
    case TypeRoot::kBigInt:
      return JavaKind::kLong;
    case TypeRoot::kFloat:
      return JavaKind::kFloat;
    case TypeRoot::kDouble:
      return JavaKind::kDouble;
    case TypeRoot::kChar:
    case TypeRoot::kVarChar:
      return JavaKind::kString;
    default:
      return JavaKind::kOther;  // DecimalData, TimestampData, ...
  }
}

const char* JavaClassName(JavaKind k) {
  switch (k) {
    case JavaKind::kBool:
      return "java.lang.Boolean";
    case JavaKind::kByte:
      return "java.lang.Byte";
    case JavaKind::kShort:
      return "java.lang.Short";
    case JavaKind::kInt:
      return "java.lang.Integer";
    case JavaKind::kLong:
      return "java.lang.Long";
    case JavaKind::kFloat:
      return "java.lang.Float";
    case JavaKind::kDouble:
      return "java.lang.Double";
    case JavaKind::kString:
      return "org.apache.flink.table.data.binary.BinaryStringData";
    default:
      return "java.lang.Object";
  }
}

// Java LocalDateTime.toString of a TimestampData.
std::string JavaTimestampString(const Value& v) {
  int64_t ms = v.millis();
  int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
  int64_t in_day = ms - days * 86400000;
  int64_t nanos = (in_day % 1000) * 1000000 + v.nanos();
  int64_t secs = in_day / 1000;
  std::string out = FormatDate(days) + fmt::format("T{:02}:{:02}", secs / 3600, secs / 60 % 60);
  if (secs % 60 != 0 || nanos != 0) out += fmt::format(":{:02}", secs % 60);
  if (nanos != 0) {
    if (nanos % 1000000 == 0)
      out += fmt::format(".{:03}", nanos / 1000000);
    else if (nanos % 1000 == 0)
      out += fmt::format(".{:06}", nanos / 1000);
    else
      out += fmt::format(".{:09}", nanos);
  }
  return out;
}

// The object's toString().
absl::StatusOr<std::string> JavaToString(const Value& v, const DataType& t, const EvalContext& ctx) {
  if (v.is_null()) return std::string("null");
  switch (t.root) {
    case TypeRoot::kFloat:
    case TypeRoot::kDouble:
      return FormatValue(v, t);  // Java's Double.toString / Float.toString, as the SQL client prints
    case TypeRoot::kDate:
    case TypeRoot::kTime:
      return std::to_string(v.millis());
    case TypeRoot::kTimestamp:
    case TypeRoot::kTimestampLtz:
      return JavaTimestampString(v);
    case TypeRoot::kBoolean:
      return std::string(v.bool_value() ? "true" : "false");  // java.lang.Boolean
    case TypeRoot::kTinyInt:
    case TypeRoot::kSmallInt:
    case TypeRoot::kInt:
    case TypeRoot::kBigInt:
    case TypeRoot::kChar:
    case TypeRoot::kVarChar:
    case TypeRoot::kDecimal:
      return ValueToCastString(v, t, ctx.session);
    default:
      // byte[], GenericArrayData, GenericMapData, GenericRowData print object identities in Flink.
      return Error(fmt::format("PRINTF: arguments of type {} are not supported by the local engine",
                               sql::TypeToString(t)));
  }
}

std::string Group3(const std::string& digits) {
  std::string out;
  int n = static_cast<int>(digits.size());
  for (int i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// Decimal digits of |d| (shortest round-trip, as Java's FloatingDecimal) with the decimal point
// after `point` digits: |d| = 0.<digits> * 10^point.
void ShortestDigits(double d, bool is_float, std::string* digits, int* point) {
  char buf[64];
  auto r = is_float ? std::to_chars(buf, buf + sizeof(buf), static_cast<float>(std::fabs(d)),
                                    std::chars_format::scientific)
                    : std::to_chars(buf, buf + sizeof(buf), std::fabs(d), std::chars_format::scientific);
  std::string sci(buf, r.ptr);
  size_t epos = sci.find('e');
  *digits = sci.substr(0, epos);
  digits->erase(std::remove(digits->begin(), digits->end(), '.'), digits->end());
  *point = std::atoi(sci.c_str() + epos + 1) + 1;
}

// Rounds digits (HALF_UP) to `keep` significant digits; may bump `point`.
void RoundDigits(std::string* digits, int* point, int keep) {
  if (keep < 0) {
    *digits = "0";
    return;
  }
  if (keep >= static_cast<int>(digits->size())) {
    digits->append(keep - digits->size(), '0');
    return;
  }
  bool up = (*digits)[keep] >= '5';
  digits->resize(keep);
  if (up) {
    int i = keep - 1;
    while (i >= 0 && (*digits)[i] == '9') (*digits)[i--] = '0';
    if (i >= 0) {
      ++(*digits)[i];
    } else {
      digits->insert(digits->begin(), '1');
      ++*point;
    }
  }
}

std::string FixedString(double d, bool is_float, int prec) {
  std::string digits;
  int point;
  ShortestDigits(d, is_float, &digits, &point);
  if (d == 0) {
    digits = "0";
    point = 1;
  }
  int keep = point + prec;
  if (keep < 0) {
    digits = std::string(prec + 1, '0');
    point = 1;
  } else {
    RoundDigits(&digits, &point, keep);
  }
  std::string ip, fp;
  if (point <= 0) {
    ip = "0";
    fp = std::string(-point, '0') + digits;
  } else {
    ip = digits.substr(0, std::min<size_t>(digits.size(), point));
    while (static_cast<int>(ip.size()) < point) ip.push_back('0');
    fp = static_cast<int>(digits.size()) > point ? digits.substr(point) : "";
  }
  if (ip.empty()) ip = "0";
  fp.resize(prec, '0');
  return prec > 0 ? ip + "." + fp : ip;
}

std::string SciString(double d, bool is_float, int prec, bool upper) {
  std::string digits;
  int point;
  ShortestDigits(d, is_float, &digits, &point);
  if (d == 0) {
    digits = "0";
    point = 1;
  }
  RoundDigits(&digits, &point, prec + 1);
  int exp = d == 0 ? 0 : point - 1;
  std::string out = digits.substr(0, 1);
  if (prec > 0) out += "." + digits.substr(1, prec);
  out += upper ? "E" : "e";
  out += exp < 0 ? "-" : "+";
  out += fmt::format("{:02}", std::abs(exp));
  return out;
}

struct Spec {
  std::string flags;
  int width = -1;
  int precision = -1;
  char conv = 0;
  bool Has(char f) const { return flags.find(f) != std::string::npos; }
};

std::string Pad(std::string s, const Spec& sp) {
  if (sp.width > static_cast<int>(utf8::Length(s))) {
    std::string fill(sp.width - utf8::Length(s), ' ');
    s = sp.Has('-') ? s + fill : fill + s;
  }
  return s;
}

// Sign, grouping, zero padding and parentheses for a numeric magnitude string.
std::string NumberLayout(bool negative, std::string magnitude, const Spec& sp, bool allow_sign_flags) {
  std::string prefix, suffix;
  if (negative) {
    if (sp.Has('(')) {
      prefix = "(";
      suffix = ")";
    } else {
      prefix = "-";
    }
  } else if (allow_sign_flags && sp.Has('+')) {
    prefix = "+";
  } else if (allow_sign_flags && sp.Has(' ')) {
    prefix = " ";
  }
  if (sp.Has('0') && sp.width > 0) {
    int n = sp.width - static_cast<int>(prefix.size() + suffix.size() + magnitude.size());
    if (n > 0) magnitude = std::string(n, '0') + magnitude;
  }
  return Pad(prefix + magnitude + suffix, sp);
}

absl::Status Mismatch(const Spec& sp, JavaKind k) {
  return Error(
      fmt::format("java.util.IllegalFormatConversionException: {} != {}", sp.conv, JavaClassName(k)));
}

absl::StatusOr<std::string> FormatOne(const Spec& sp, const Value& v, const DataType& t,
                                      const EvalContext& ctx) {
  JavaKind k = KindOf(v, t);
  char c = static_cast<char>(std::tolower(static_cast<unsigned char>(sp.conv)));
  bool upper = std::isupper(static_cast<unsigned char>(sp.conv));
  auto finish = [&](std::string s) {
    if (upper)
      for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return s;
  };
  switch (c) {
    case 'b': {
      std::string s = k == JavaKind::kNull   ? "false"
                      : k == JavaKind::kBool ? (v.bool_value() ? "true" : "false")
                                             : "true";
      if (sp.precision >= 0 && static_cast<int>(s.size()) > sp.precision) s.resize(sp.precision);
      return finish(Pad(s, sp));
    }
    case 's': {
      FLINKDBT_ASSIGN_OR_RETURN(std::string s, JavaToString(v, t, ctx));
      if (sp.precision >= 0) {
        size_t pos = 0;
        for (int i = 0; i < sp.precision && pos < s.size(); ++i) utf8::Decode(s, &pos);
        s.resize(pos);
      }
      return finish(Pad(s, sp));
    }
    case 'c': {
      if (k == JavaKind::kNull) return finish(Pad("null", sp));
      if (k != JavaKind::kByte && k != JavaKind::kShort && k != JavaKind::kInt) return Mismatch(sp, k);
      std::string s;
      utf8::Append(&s, static_cast<char32_t>(v.int_value()));
      return finish(Pad(s, sp));
    }
    case 'd':
    case 'o':
    case 'x': {
      if (k == JavaKind::kNull) return finish(Pad("null", sp));
      if (k != JavaKind::kByte && k != JavaKind::kShort && k != JavaKind::kInt && k != JavaKind::kLong)
        return Mismatch(sp, k);
      int64_t x = v.int_value();
      if (c == 'd') {
        uint64_t ax = x < 0 ? static_cast<uint64_t>(0) - static_cast<uint64_t>(x) : static_cast<uint64_t>(x);
        std::string mag = std::to_string(ax);
        if (sp.Has(',')) mag = Group3(mag);
        return NumberLayout(x < 0, mag, sp, true);
      }
      int bits = k == JavaKind::kByte ? 8 : k == JavaKind::kShort ? 16 : k == JavaKind::kInt ? 32 : 64;
      uint64_t u = static_cast<uint64_t>(x);
      if (bits < 64) u &= (uint64_t{1} << bits) - 1;
      std::string mag = c == 'o' ? fmt::format("{:o}", u) : fmt::format("{:x}", u);
      if (sp.Has('#')) mag = (c == 'o' ? "0" : "0x") + mag;
      if (sp.Has('0') && sp.width > static_cast<int>(mag.size())) {
        size_t prefix = sp.Has('#') ? (c == 'o' ? 1 : 2) : 0;
        mag.insert(prefix, std::string(sp.width - mag.size(), '0'));
      }
      return finish(Pad(mag, sp));
    }
    case 'e':
    case 'f':
    case 'g': {
      if (k == JavaKind::kNull) return finish(Pad("null", sp));
      if (k != JavaKind::kFloat && k != JavaKind::kDouble) return Mismatch(sp, k);
      double d = v.double_value();
      bool is_float = k == JavaKind::kFloat;
      if (std::isnan(d) || std::isinf(d)) {
        std::string s = std::isnan(d) ? "NaN"
                                      : (d > 0 ? (sp.Has('+') ? "+Infinity" : "Infinity")
                                               : (sp.Has('(') ? "(Infinity)" : "-Infinity"));
        return finish(Pad(s, sp));
      }
      int prec = sp.precision >= 0 ? sp.precision : 6;
      std::string mag;
      if (c == 'f') {
        mag = FixedString(d, is_float, prec);
        if (sp.Has(',')) {
          size_t dot = mag.find('.');
          mag = Group3(mag.substr(0, dot)) + (dot == std::string::npos ? "" : mag.substr(dot));
        }
      } else if (c == 'e') {
        mag = SciString(d, is_float, prec, false);
      } else {
        if (prec == 0) prec = 1;
        double a = std::fabs(d);
        // Java: after rounding to `prec` significant digits, plain when 10^-4 <= x < 10^prec.
        std::string digits;
        int point;
        ShortestDigits(d, is_float, &digits, &point);
        RoundDigits(&digits, &point, prec);
        if (a != 0 && (point - 1 < -4 || point - 1 >= prec)) {
          mag = SciString(d, is_float, prec - 1, false);
        } else {
          mag = FixedString(d, is_float, a == 0 ? prec - 1 : prec - point);
        }
        if (sp.Has(',')) {
          size_t dot = mag.find('.');
          if (mag.find('e') == std::string::npos)
            mag = Group3(mag.substr(0, dot)) + (dot == std::string::npos ? "" : mag.substr(dot));
        }
      }
      return finish(NumberLayout(std::signbit(d), mag, sp, true));
    }
    default:
      return Error(fmt::format("java.util.UnknownFormatConversionException: Conversion = '{}'", sp.conv));
  }
}

absl::StatusOr<std::string> JavaFormat(const std::string& f, const Args& a, const BExpr& e,
                                       const EvalContext& ctx) {
  std::string out;
  size_t next_arg = 1;  // a[0] is the format
  size_t last_arg = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] != '%') {
      out.push_back(f[i]);
      continue;
    }
    size_t start = i++;
    if (i >= f.size()) return Error("java.util.UnknownFormatConversionException: Conversion = '%'");
    Spec sp;
    // [argument_index$]
    size_t j = i;
    while (j < f.size() && std::isdigit(static_cast<unsigned char>(f[j]))) ++j;
    long explicit_index = -1;
    if (j < f.size() && f[j] == '$' && j > i) {
      explicit_index = std::atol(f.substr(i, j - i).c_str());
      i = j + 1;
    }
    bool relative = false;
    if (i < f.size() && f[i] == '<') {
      relative = true;
      ++i;
    }
    while (i < f.size() && std::string("-#+ 0,(").find(f[i]) != std::string::npos) sp.flags.push_back(f[i++]);
    if (i < f.size() && std::isdigit(static_cast<unsigned char>(f[i]))) {
      size_t w = i;
      while (i < f.size() && std::isdigit(static_cast<unsigned char>(f[i]))) ++i;
      sp.width = std::atoi(f.substr(w, i - w).c_str());
    }
    if (i < f.size() && f[i] == '.') {
      size_t p = ++i;
      while (i < f.size() && std::isdigit(static_cast<unsigned char>(f[i]))) ++i;
      if (i == p) return Error("java.util.IllegalFormatPrecisionException");
      sp.precision = std::atoi(f.substr(p, i - p).c_str());
    }
    if (i >= f.size())
      return Error(
          fmt::format("java.util.UnknownFormatConversionException: Conversion = '{}'", f.substr(start)));
    sp.conv = f[i];
    if (sp.conv == '%') {
      out += Pad("%", sp);
      continue;
    }
    if (sp.conv == 'n') {
      out.push_back('\n');
      continue;
    }
    if ((sp.Has('-') || sp.Has('0')) && sp.width < 0)
      return Error(fmt::format("java.util.MissingFormatWidthException: {}", f.substr(start, i - start + 1)));
    if (std::string("bBsScCdoxXeEfgG").find(sp.conv) == std::string::npos)
      return Error(fmt::format("java.util.UnknownFormatConversionException: Conversion = '{}'", sp.conv));
    size_t idx;
    if (relative) {
      idx = last_arg;
    } else if (explicit_index >= 0) {
      idx = static_cast<size_t>(explicit_index);
    } else {
      idx = next_arg++;
    }
    if (idx == 0 || idx >= a.size())
      return Error(fmt::format("java.util.MissingFormatArgumentException: Format specifier '{}'",
                               f.substr(start, i - start + 1)));
    last_arg = idx;
    FLINKDBT_ASSIGN_OR_RETURN(std::string s, FormatOne(sp, a[idx], e.args[idx]->type, ctx));
    out += s;
  }
  return out;
}

absl::Status BindPrintf(BExpr& e, const Types& t, CallSyntax&) {
  if (!sql::IsCharacterString(t[0]) && !IsNullType(t[0])) return SignatureError(e, t);
  e.type = DataType::String(t[0].nullable || IsNullType(t[0]));
  return absl::OkStatus();
}

Value PrintfFn(const Args& a, const BExpr& e, EvalContext& ctx) {
  if (a[0].is_null()) return Value::Null();
  auto s = JavaFormat(a[0].string_value(), a, e, ctx);
  if (!s.ok()) return Fail(ctx, fmt::format("PRINTF failed: {}", ToStd(s.status().message())));
  return Value::String(*std::move(s));
}

}  // namespace

void AddEncodingBuiltins(std::vector<Builtin>* out) {
  out->push_back({"SHA1", 1, 1, true, true, false, BindHash, Sha1Fn});
  out->push_back({"SHA224", 1, 1, true, true, false, BindHash, Sha224Fn});
  out->push_back({"SHA384", 1, 1, true, true, false, BindHash, Sha384Fn});
  out->push_back({"SHA512", 1, 1, true, true, false, BindHash, Sha512Fn});
  out->push_back({"SHA2", 2, 2, true, true, false, BindHash, Sha2Fn});
  out->push_back({"ENCODE", 2, 2, true, true, false, BindEncode, EncodeFn});
  out->push_back({"DECODE", 2, 2, true, true, false, BindDecode, DecodeFn});
  out->push_back({"PRINTF", 1, -1, false, true, false, BindPrintf, PrintfFn});
}

}  // namespace flinkdbt::engine
