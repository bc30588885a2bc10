#include "jinja/bigint.h"

#include <algorithm>
#include <cmath>

namespace flinkdbt::jinja::internal {
namespace {

using Mag = std::vector<uint32_t>;

void Trim(Mag& m) {
  while (!m.empty() && m.back() == 0) m.pop_back();
}

int CmpMag(const Mag& a, const Mag& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  for (size_t i = a.size(); i-- > 0;) {
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

Mag AddMag(const Mag& a, const Mag& b) {
  Mag r(std::max(a.size(), b.size()) + 1, 0);
  uint64_t carry = 0;
  for (size_t i = 0; i < r.size(); ++i) {
    uint64_t s = carry + (i < a.size() ? a[i] : 0) + (i < b.size() ? b[i] : 0);
    r[i] = static_cast<uint32_t>(s);
    carry = s >> 32;
  }
  Trim(r);
  return r;
}

// a - b with |a| >= |b|.
Mag SubMag(const Mag& a, const Mag& b) {
  Mag r(a.size(), 0);
  int64_t borrow = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    int64_t d = static_cast<int64_t>(a[i]) - borrow - (i < b.size() ? b[i] : 0);
    borrow = d < 0 ? 1 : 0;
    if (d < 0) d += (int64_t{1} << 32);
    r[i] = static_cast<uint32_t>(d);
  }
  Trim(r);
  return r;
}

Mag MulMag(const Mag& a, const Mag& b) {
  if (a.empty() || b.empty()) return {};
  Mag r(a.size() + b.size(), 0);
  for (size_t i = 0; i < a.size(); ++i) {
    uint64_t carry = 0;
    for (size_t j = 0; j < b.size(); ++j) {
      uint64_t cur = r[i + j] + static_cast<uint64_t>(a[i]) * b[j] + carry;
      r[i + j] = static_cast<uint32_t>(cur);
      carry = cur >> 32;
    }
    size_t k = i + b.size();
    while (carry != 0) {
      uint64_t cur = r[k] + carry;
      r[k] = static_cast<uint32_t>(cur);
      carry = cur >> 32;
      ++k;
    }
  }
  Trim(r);
  return r;
}

uint32_t DivSmall(Mag& a, uint32_t d) {
  uint64_t rem = 0;
  for (size_t i = a.size(); i-- > 0;) {
    uint64_t cur = (rem << 32) | a[i];
    a[i] = static_cast<uint32_t>(cur / d);
    rem = cur % d;
  }
  Trim(a);
  return static_cast<uint32_t>(rem);
}

size_t BitsOf(const Mag& m) {
  if (m.empty()) return 0;
  return (m.size() - 1) * 32 + (32 - __builtin_clz(m.back()));
}

bool Bit(const Mag& m, size_t i) { return (m[i / 32] >> (i % 32)) & 1; }

// Truncating division of magnitudes: shift-subtract, one bit at a time.
void DivModMag(const Mag& a, const Mag& b, Mag* q, Mag* r) {
  q->assign(a.size(), 0);
  r->clear();
  for (size_t i = BitsOf(a); i-- > 0;) {
    // r = r*2 + bit
    uint32_t carry = Bit(a, i) ? 1 : 0;
    for (auto& limb : *r) {
      uint32_t next = limb >> 31;
      limb = (limb << 1) | carry;
      carry = next;
    }
    if (carry) r->push_back(carry);
    if (CmpMag(*r, b) >= 0) {
      *r = SubMag(*r, b);
      (*q)[i / 32] |= (1u << (i % 32));
    }
  }
  Trim(*q);
  Trim(*r);
}

}  // namespace

BigInt BigInt::From128(int128 v) {
  BigInt b;
  b.neg = v < 0;
  uint128 u = b.neg ? -static_cast<uint128>(v) : static_cast<uint128>(v);
  while (u != 0) {
    b.mag.push_back(static_cast<uint32_t>(u));
    u >>= 32;
  }
  return b;
}

std::optional<BigInt> BigInt::FromDecimal(std::string_view s) {
  BigInt b;
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) b.neg = s[i++] == '-';
  if (i == s.size()) return std::nullopt;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    b.mag = MulMag(b.mag, Mag{10});
    b.mag = AddMag(b.mag, Mag{static_cast<uint32_t>(s[i] - '0')});
    Trim(b.mag);
  }
  if (b.mag.empty()) b.neg = false;
  return b;
}

std::optional<int128> BigInt::To128() const {
  if (mag.size() > 4) return std::nullopt;
  uint128 u = 0;
  for (size_t i = mag.size(); i-- > 0;) u = (u << 32) | mag[i];
  uint128 limit = static_cast<uint128>(1) << 127;
  if (neg) {
    if (u > limit) return std::nullopt;
    return static_cast<int128>(-u);
  }
  if (u >= limit) return std::nullopt;
  return static_cast<int128>(u);
}

std::string BigInt::ToDecimal() const {
  if (mag.empty()) return "0";
  Mag m = mag;
  std::vector<uint32_t> chunks;
  while (!m.empty()) chunks.push_back(DivSmall(m, 1000000000u));
  std::string out = neg ? "-" : "";
  out += std::to_string(chunks.back());
  for (size_t i = chunks.size() - 1; i-- > 0;) {
    std::string c = std::to_string(chunks[i]);
    out += std::string(9 - c.size(), '0') + c;
  }
  return out;
}

double BigInt::ToDouble() const {
  double d = 0;
  for (size_t i = mag.size(); i-- > 0;) d = d * 4294967296.0 + mag[i];
  return neg ? -d : d;
}

size_t BigInt::bits() const { return BitsOf(mag); }

int BigInt::Compare(const BigInt& a, const BigInt& b) {
  if (a.neg != b.neg) return a.neg ? -1 : 1;
  int c = CmpMag(a.mag, b.mag);
  return a.neg ? -c : c;
}

BigInt BigInt::Add(const BigInt& a, const BigInt& b) {
  BigInt r;
  if (a.neg == b.neg) {
    r.mag = AddMag(a.mag, b.mag);
    r.neg = a.neg;
  } else if (CmpMag(a.mag, b.mag) >= 0) {
    r.mag = SubMag(a.mag, b.mag);
    r.neg = a.neg;
  } else {
    r.mag = SubMag(b.mag, a.mag);
    r.neg = b.neg;
  }
  if (r.mag.empty()) r.neg = false;
  return r;
}

BigInt BigInt::Sub(const BigInt& a, const BigInt& b) {
  BigInt nb = b;
  if (!nb.mag.empty()) nb.neg = !nb.neg;
  return Add(a, nb);
}

BigInt BigInt::Mul(const BigInt& a, const BigInt& b) {
  BigInt r;
  r.mag = MulMag(a.mag, b.mag);
  r.neg = !r.mag.empty() && a.neg != b.neg;
  return r;
}

void BigInt::DivMod(const BigInt& a, const BigInt& b, BigInt* q, BigInt* r) {
  Mag qm, rm;
  DivModMag(a.mag, b.mag, &qm, &rm);
  q->mag = qm;
  q->neg = !qm.empty() && a.neg != b.neg;
  r->mag = rm;
  r->neg = !rm.empty() && a.neg;
  // Floor semantics: adjust when the remainder's sign differs from the divisor's.
  if (!rm.empty() && a.neg != b.neg) {
    *q = Sub(*q, From128(1));
    *r = Add(*r, b);
  }
}

}  // namespace flinkdbt::jinja::internal
