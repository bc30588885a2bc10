#include "flinkdbt/client/naming.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <random>

#include "absl/status/status.h"
#include "flinkdbt/base/utf8.h"
#include "fmt/format.h"
#include "re2/re2.h"

namespace flinkdbt::client {
namespace {

// MD5 (RFC 1321); used only to derive short name suffixes, as the Python adapter does.
class Md5 {
 public:
  void Update(std::string_view data) {
    for (char c : data) {
      buffer_[buffer_len_++] = static_cast<uint8_t>(c);
      if (buffer_len_ == 64) {
        Block(buffer_.data());
        buffer_len_ = 0;
      }
    }
    length_ += data.size();
  }
  std::array<uint8_t, 16> Final() {
    uint64_t bits = length_ * 8;
    Update(std::string_view("\x80", 1));
    while (buffer_len_ != 56) Update(std::string_view("\0", 1));
    for (int i = 0; i < 8; ++i) buffer_[56 + i] = static_cast<uint8_t>(bits >> (8 * i));
    Block(buffer_.data());
    std::array<uint8_t, 16> out;
    for (int i = 0; i < 4; ++i) {
      for (int j = 0; j < 4; ++j) out[i * 4 + j] = static_cast<uint8_t>(h_[i] >> (8 * j));
    }
    return out;
  }

 private:
  static uint32_t Rotl(uint32_t x, int c) { return (x << c) | (x >> (32 - c)); }
  void Block(const uint8_t* p) {
    static constexpr uint32_t kK[64] = {
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
        0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
        0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
        0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
        0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
        0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
        0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
        0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
    static constexpr int kR[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                   5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                                   4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                   6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
    uint32_t w[16];
    for (int i = 0; i < 16; ++i) {
      w[i] = static_cast<uint32_t>(p[i * 4]) | static_cast<uint32_t>(p[i * 4 + 1]) << 8 |
             static_cast<uint32_t>(p[i * 4 + 2]) << 16 | static_cast<uint32_t>(p[i * 4 + 3]) << 24;
    }
    uint32_t a = h_[0], b = h_[1], c = h_[2], d = h_[3];
    for (int i = 0; i < 64; ++i) {
      uint32_t f;
      int g;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) % 16;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) % 16;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) % 16;
      }
      uint32_t tmp = d;
      d = c;
      c = b;
      b = b + Rotl(a + f + kK[i] + w[g], kR[i]);
      a = tmp;
    }
    h_[0] += a;
    h_[1] += b;
    h_[2] += c;
    h_[3] += d;
  }

  std::array<uint32_t, 4> h_ = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  std::array<uint8_t, 64> buffer_{};
  size_t buffer_len_ = 0;
  uint64_t length_ = 0;
};

// Python's str.lower() for one code point, as far as it can change what the sanitizer keeps: ASCII
// letters, and the two non-ASCII code points whose lowercase contains an ASCII letter.
void AppendLower(char32_t cp, std::u32string* out) {
  if (cp >= 'A' && cp <= 'Z') {
    out->push_back(cp + 32);
  } else if (cp == 0x212A) {  // KELVIN SIGN -> 'k'
    out->push_back('k');
  } else if (cp == 0x0130) {  // LATIN CAPITAL LETTER I WITH DOT ABOVE -> "i\u0307"
    out->push_back('i');
    out->push_back(0x0307);
  } else {
    out->push_back(cp);
  }
}

}  // namespace

std::string Md5Hex(std::string_view data) {
  Md5 md5;
  md5.Update(data);
  std::string out;
  for (uint8_t b : md5.Final()) out += fmt::format("{:02x}", b);
  return out;
}

absl::StatusOr<std::string> SanitizeStatementName(std::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError("Statement name cannot be empty");
  std::u32string lowered;
  for (size_t pos = 0; pos < name.size();) AppendLower(utf8::Decode(name, &pos), &lowered);
  std::string sanitized;
  bool replaced = false;
  for (char32_t cp : lowered) {
    if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || cp == '-') {
      sanitized.push_back(static_cast<char>(cp));
    } else {
      sanitized.push_back('-');
      replaced = true;
    }
  }
  const std::string hash6 = Md5Hex(name).substr(0, 6);
  if (replaced) sanitized += "-" + hash6;
  size_t first = sanitized.find_first_not_of('-');
  sanitized = first == std::string::npos ? "" : sanitized.substr(first);
  if (sanitized.size() > kMaxStatementNameLength) {
    sanitized = sanitized.substr(0, kMaxStatementNameLength - 1 - hash6.size()) + "-" + hash6;
  }
  return sanitized;
}

absl::StatusOr<std::string> ModelStatementName(std::string_view prefix, std::string_view project,
                                               std::string_view model, std::string_view suffix,
                                               std::string_view statement_name_override) {
  if (!statement_name_override.empty()) {
    return SanitizeStatementName(fmt::format("{}{}", statement_name_override, suffix));
  }
  return SanitizeStatementName(fmt::format("{}{}-{}{}", prefix, project, model, suffix));
}

std::string AdHocStatementName(std::string_view prefix) {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  uint64_t hi = gen(), lo = gen();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant 10
  return fmt::format("{}{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", prefix, hi >> 32, (hi >> 16) & 0xFFFF, hi & 0xFFFF,
                     lo >> 48, lo & 0xFFFFFFFFFFFFULL);
}

std::map<std::string, std::string> StatementLabels(std::string_view statement_label, bool hidden) {
  std::map<std::string, std::string> labels;
  labels[fmt::format("{}{}", kLabelPrefix, statement_label)] = "true";
  if (hidden) labels[std::string(kHiddenLabel)] = "true";
  return labels;
}

std::string LabelSelectorFor(std::string_view statement_label) {
  return fmt::format("{}{}=true", kLabelPrefix, statement_label);
}

absl::StatusOr<std::map<std::string, std::string>> ResolveStatementProperties(
    const std::map<std::string, std::string>& user_properties, std::string_view catalog,
    std::string_view database, ExecutionMode mode) {
  for (std::string_view reserved : {kCatalogProperty, kDatabaseProperty, kSnapshotModeProperty}) {
    if (user_properties.count(std::string(reserved))) {
      return absl::InvalidArgumentError(fmt::format(
          "'{}' is a reserved system property and cannot be set in statement_properties", reserved));
    }
  }
  std::map<std::string, std::string> props = user_properties;
  props[std::string(kCatalogProperty)] = std::string(catalog);
  props[std::string(kDatabaseProperty)] = std::string(database);
  if (IsSnapshotMode(mode)) props[std::string(kSnapshotModeProperty)] = "now";
  return props;
}

bool IsValidStatementName(std::string_view name) {
  static const re2::RE2* const kPattern =
      new re2::RE2("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  return !name.empty() && name.size() <= kMaxStatementNameLength &&
         re2::RE2::FullMatch(re2::StringPiece(name.data(), name.size()), *kPattern);
}

}  // namespace flinkdbt::client
