// Arbitrary-precision integers for the rare values beyond 128 bits (private to the jinja layer).
// Sign and magnitude, little-endian 32-bit limbs, no leading zero limbs; Python's floor division.
#ifndef FLINKDBT_SRC_JINJA_BIGINT_H_
#define FLINKDBT_SRC_JINJA_BIGINT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flinkdbt/jinja/value.h"

namespace flinkdbt::jinja::internal {

struct BigInt {
  bool neg = false;
  std::vector<uint32_t> mag;

  static BigInt From128(int128 v);
  // Decimal digits with an optional sign; nullopt for anything else.
  static std::optional<BigInt> FromDecimal(std::string_view s);
  std::optional<int128> To128() const;
  std::string ToDecimal() const;
  double ToDouble() const;
  bool is_zero() const { return mag.empty(); }
  size_t bits() const;

  static int Compare(const BigInt& a, const BigInt& b);
  static BigInt Add(const BigInt& a, const BigInt& b);
  static BigInt Sub(const BigInt& a, const BigInt& b);
  static BigInt Mul(const BigInt& a, const BigInt& b);
  // Floor division and modulo (Python semantics); b must be non-zero.
  static void DivMod(const BigInt& a, const BigInt& b, BigInt* q, BigInt* r);
};

}  // namespace flinkdbt::jinja::internal

#endif  // FLINKDBT_SRC_JINJA_BIGINT_H_
