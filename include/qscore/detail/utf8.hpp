// Whether text is well-formed UTF-8: the sequences of the Unicode Standard's table 3-7, with no
// overlong forms, no surrogates and nothing above U+10FFFF. Scorecard input files are checked
// with it, and the JSON writer copies text that passes it as it is (io/json_writer.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace qscore::detail {

// True when `text` is well-formed UTF-8; otherwise false, with `bad_at` the byte offset of the
// first bad sequence.
inline bool valid_utf8(std::string_view text, std::size_t& bad_at) noexcept {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0U) == 0xC0) { n = 1; cp = c & 0x1FU; }
    else if ((c & 0xF0U) == 0xE0) { n = 2; cp = c & 0x0FU; }
    else if ((c & 0xF8U) == 0xF0) { n = 3; cp = c & 0x07U; }
    else { bad_at = i; return false; }
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= text.size()) { bad_at = i; return false; }
      const auto d = static_cast<unsigned char>(text[i + k]);
      if ((d & 0xC0U) != 0x80) { bad_at = i; return false; }
      cp = (cp << 6U) | (d & 0x3FU);
    }
    const bool overlong = (n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) { bad_at = i; return false; }
    i += n + 1;
  }
  return true;
}

inline bool valid_utf8(std::string_view text) noexcept {
  std::size_t bad_at = 0;
  return valid_utf8(text, bad_at);
}

}  // namespace qscore::detail
