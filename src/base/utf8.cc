#include "flinkdbt/base/utf8.h"

namespace flinkdbt::utf8 {

char32_t Decode(std::string_view text, size_t* pos, bool* valid) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const size_t start = *pos;
  const unsigned char lead = byte(start);
  if (valid != nullptr) *valid = true;
  if (lead < 0x80) {
    *pos = start + 1;
    return lead;
  }
  int need = 0;
  char32_t cp = 0;
  // The allowed range of the second byte narrows for E0, ED, F0 and F4 (RFC 3629 table).
  unsigned char lo = 0x80, hi = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    need = 1;
    cp = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    need = 2;
    cp = lead & 0x0F;
    if (lead == 0xE0) lo = 0xA0;
    if (lead == 0xED) hi = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    need = 3;
    cp = lead & 0x07;
    if (lead == 0xF0) lo = 0x90;
    if (lead == 0xF4) hi = 0x8F;
  } else {
    *pos = start + 1;
    if (valid != nullptr) *valid = false;
    return kReplacement;
  }
  size_t i = start + 1;
  for (int k = 0; k < need; ++k, ++i) {
    if (i >= text.size()) {
      *pos = i;
      if (valid != nullptr) *valid = false;
      return kReplacement;
    }
    unsigned char c = byte(i);
    unsigned char min = k == 0 ? lo : 0x80, max = k == 0 ? hi : 0xBF;
    if (c < min || c > max) {
      *pos = i;  // the offending byte may start the next sequence
      if (valid != nullptr) *valid = false;
      return kReplacement;
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  *pos = i;
  return cp;
}

void Append(std::string* out, char32_t cp) {
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) cp = kReplacement;
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool IsValid(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    bool ok = true;
    Decode(text, &pos, &ok);
    if (!ok) return false;
  }
  return true;
}

size_t Length(std::string_view text) {
  size_t pos = 0, n = 0;
  while (pos < text.size()) {
    Decode(text, &pos);
    ++n;
  }
  return n;
}

}  // namespace flinkdbt::utf8
