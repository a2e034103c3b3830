// Terminal display width of UTF-8 text, for aligning tables that mix Latin and CJK labels.
//
// A deliberately small wcwidth(): no locale, no tables from the C library, the same answer on
// every platform.
//   - East Asian Wide and Fullwidth characters take two columns: U+1100-115F, U+2E80-A4CF,
//     U+AC00-D7A3, U+F900-FAFF, U+FE30-FE4F, U+FF00-FF60, U+FFE0-FFE6, U+20000-3FFFD.
//   - Combining marks, zero-width spaces and joiners, variation selectors and control characters
//     take none.
//   - Every other character takes one, and so does every byte that is not part of a valid UTF-8
//     sequence (terminals show those as one replacement character each).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace qscore::detail {

// One step through a UTF-8 string: the code point at a position and how many bytes it takes.
// An invalid or truncated sequence, an overlong form, a surrogate or a value above U+10FFFF
// yields valid = false and length 1, so that decoding always moves forward by at least a byte.
struct utf8_step {
  char32_t code_point = 0;
  std::size_t length = 1;
  bool valid = false;
};

[[nodiscard]] constexpr utf8_step decode_utf8(std::string_view text, std::size_t pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  if (lead < 0x80) return {lead, 1, true};
  std::size_t length = 0;
  char32_t value = 0;
  char32_t minimum = 0;
  if ((lead & 0xE0U) == 0xC0U) {
    length = 2;
    value = lead & 0x1FU;
    minimum = 0x80;
  } else if ((lead & 0xF0U) == 0xE0U) {
    length = 3;
    value = lead & 0x0FU;
    minimum = 0x800;
  } else if ((lead & 0xF8U) == 0xF0U) {
    length = 4;
    value = lead & 0x07U;
    minimum = 0x10000;
  } else {
    return {};  // a continuation byte or 0xF8..0xFF where a sequence should start
  }
  if (text.size() - pos < length) return {};
  for (std::size_t i = 1; i < length; ++i) {
    const unsigned char next = byte(pos + i);
    if ((next & 0xC0U) != 0x80U) return {};
    value = (value << 6U) | (next & 0x3FU);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return {};
  return {value, length, true};
}

// Columns one code point takes on a terminal: 0, 1 or 2.
[[nodiscard]] constexpr int code_point_width(char32_t c) {
  // Control characters (C0, DEL, C1): nothing printable.
  if (c < 0x20 || (c >= 0x7F && c < 0xA0)) return 0;
  // Combining marks, zero-width characters and variation selectors.
  if ((c >= 0x0300 && c <= 0x036F) ||    // combining diacritical marks
      (c >= 0x0483 && c <= 0x0489) ||    // combining Cyrillic
      (c >= 0x0591 && c <= 0x05BD) ||    // Hebrew points
      (c >= 0x0610 && c <= 0x061A) ||    // Arabic marks
      (c >= 0x064B && c <= 0x065F) ||    // Arabic harakat
      (c >= 0x1AB0 && c <= 0x1AFF) ||    // combining diacritical marks extended
      (c >= 0x1DC0 && c <= 0x1DFF) ||    // combining diacritical marks supplement
      (c >= 0x200B && c <= 0x200F) ||    // zero-width space, joiners, direction marks
      (c >= 0x2060 && c <= 0x2064) ||    // word joiner, invisible operators
      (c >= 0x20D0 && c <= 0x20FF) ||    // combining marks for symbols
      (c >= 0x302A && c <= 0x302F) ||    // ideographic tone marks
      (c >= 0x3099 && c <= 0x309A) ||    // kana voiced sound marks
      (c >= 0xFE00 && c <= 0xFE0F) ||    // variation selectors
      (c >= 0xFE20 && c <= 0xFE2F) ||    // combining half marks
      c == 0xFEFF ||                     // zero-width no-break space (BOM)
      (c >= 0xE0100 && c <= 0xE01EF))    // variation selectors supplement
    return 0;
  // East Asian Wide and Fullwidth.
  if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3) ||
      (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
      (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD))
    return 2;
  return 1;
}

// Columns the whole string takes on a terminal.
[[nodiscard]] constexpr std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const utf8_step step = decode_utf8(text, pos);
    width += step.valid ? static_cast<std::size_t>(code_point_width(step.code_point)) : 1;
    pos += step.length;
  }
  return width;
}

// The same text with every invalid byte replaced by U+FFFD (one column wide, like the byte it
// replaces), so that what a writer emits is always valid UTF-8.
[[nodiscard]] inline std::string sanitize_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const utf8_step step = decode_utf8(text, pos);
    if (step.valid) out.append(text.substr(pos, step.length));
    else out.append("\xEF\xBF\xBD");
    pos += step.length;
  }
  return out;
}

// The longest prefix of `text` (whole code points) that fits in `width` columns; when the text is
// cut, the prefix is followed by "..." and the whole still fits in `width` (for width >= 3).
// Zero-width characters that follow the last kept character stay with it.
[[nodiscard]] inline std::string truncate_to_width(std::string_view text, std::size_t width) {
  if (display_width(text) <= width) return std::string(text);
  const std::string_view ellipsis = "...";
  const std::size_t room = width >= ellipsis.size() ? width - ellipsis.size() : 0;
  std::size_t used = 0;
  std::size_t end = 0;
  while (end < text.size()) {
    const utf8_step step = decode_utf8(text, end);
    const std::size_t w = step.valid ? static_cast<std::size_t>(code_point_width(step.code_point)) : 1;
    if (used + w > room) break;
    used += w;
    end += step.length;
  }
  std::string out(text.substr(0, end));
  out.append(ellipsis.substr(0, width - used < ellipsis.size() ? width - used : ellipsis.size()));
  return out;
}

// `text` padded with spaces to `width` columns, on the right (left-aligned) or on the left
// (right-aligned). Text already as wide or wider is returned as it is.
[[nodiscard]] inline std::string pad_right(std::string_view text, std::size_t width) {
  std::string out(text);
  const std::size_t w = display_width(text);
  if (w < width) out.append(width - w, ' ');
  return out;
}

[[nodiscard]] inline std::string pad_left(std::string_view text, std::size_t width) {
  const std::size_t w = display_width(text);
  std::string out;
  if (w < width) out.assign(width - w, ' ');
  out.append(text);
  return out;
}

}  // namespace qscore::detail
