// Two ways to make the same JSON value from one sequence of calls: json_text_writer appends its
// text, byte for byte as nlohmann::ordered_json::dump(indent, ' ', false, replace) would write it,
// and json_value_builder builds the nlohmann value. The report's per-unit parts
// (io/write_json.hpp) are written once, as templates over either: to_json(report) builds values,
// write_json writes text.
//
// Why text directly: a report of 5,000 units is 270 MB of JSON, and building each unit's
// nlohmann tree (an allocation per value and per key, a vector of members per object), dumping
// it and freeing it took most of the time of writing it: 200,000 rows over 5,000 units took
// 3.1–3.6 s as JSON against 2.0 s as CSV at -j1 (bench/RESULTS.md, twentieth round).
//
// The calls: begin_object() / begin_array(), then for each member key(name) and one value (a
// scalar, or a nested begin ... end), for each element one value; then end_object() /
// end_array(). member(name, v) is key(name) and value(v). A std::optional without a value, and
// a double that is not finite, are written as null, as nlohmann writes them.
#pragma once

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "qscore/detail/utf8.hpp"

namespace qscore::detail {

class json_text_writer {
 public:
  // Appends to `out`. `indent`: spaces per level, as dump's (< 0: one line, no spaces). `depth`:
  // the level the value sits at within a larger document, as json_stream::rendered's (its
  // first line is not indented; its members are at depth + 1, its closing bracket at depth).
  json_text_writer(std::string& out, int indent, int depth = 0) : out_(out), indent_(indent), depth_(depth) {}

  void begin_object(std::size_t /*keys*/ = 0) { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  void key(std::string_view name) {
    separate();
    string_text(name);
    if (indent_ >= 0) out_ += ": ";
    else out_ += ':';
    after_key_ = true;
  }

  void value(std::nullptr_t) { scalar("null"); }
  void value(bool b) { scalar(b ? "true" : "false"); }
  void value(int v) { integer(v); }
  void value(long v) { integer(v); }
  void value(long long v) { integer(v); }
  void value(unsigned v) { integer(v); }
  void value(unsigned long v) { integer(v); }
  void value(unsigned long long v) { integer(v); }
  void value(double v) {
    before_value();
    if (!std::isfinite(v)) {
      out_ += "null";
      return;
    }
    std::array<char, 64> buffer{};  // nlohmann's serializer uses the same size
    const char* const end = nlohmann::detail::to_chars(buffer.data(), buffer.data() + buffer.size(), v);
    out_.append(buffer.data(), static_cast<std::size_t>(end - buffer.data()));
  }
  void value(std::string_view text) {
    before_value();
    string_text(text);
  }
  void value(const std::string& text) { value(std::string_view(text)); }
  void value(const char* text) { value(std::string_view(text)); }
  template <class T>
  void value(const std::optional<T>& v) {
    if (v) value(*v);
    else value(nullptr);
  }

  template <class T>
  void member(std::string_view name, const T& v) {
    key(name);
    value(v);
  }

 private:
  struct level {
    bool empty = true;
  };

  void open(char bracket) {
    before_value();
    out_ += bracket;
    levels_.push_back({});
  }
  void close(char bracket) {
    const bool empty = levels_.back().empty;
    levels_.pop_back();
    if (!empty && indent_ >= 0) line_break(levels_.size());
    out_ += bracket;
  }
  // Before a value: after a key nothing more; as an element of an array, the separator.
  void before_value() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!levels_.empty()) separate();
  }
  // Before a member or element: a comma after the first, then (indented layouts) a new line.
  void separate() {
    level& top = levels_.back();
    if (!top.empty) out_ += ',';
    top.empty = false;
    if (indent_ >= 0) line_break(levels_.size());
  }
  void line_break(std::size_t levels) {
    out_ += '\n';
    out_.append((static_cast<std::size_t>(depth_) + levels) * static_cast<std::size_t>(indent_), ' ');
  }
  void scalar(std::string_view text) {
    before_value();
    out_ += text;
  }
  template <class Integer>
  void integer(Integer v) {
    before_value();
    std::array<char, 24> buffer{};
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), v);
    out_.append(buffer.data(), static_cast<std::size_t>(result.ptr - buffer.data()));
  }
  // A string in quotes, escaped as dump escapes it (ensure_ascii off): '"' and '\' with a
  // backslash, \b \f \n \r \t, other bytes below 0x20 as \u00xx; everything else as it is. Text
  // that is not well-formed UTF-8 goes through nlohmann itself, which replaces the bad bytes
  // with U+FFFD in its own way.
  void string_text(std::string_view text) {
    // Most text (keys, ids, codes, most labels) is printable ASCII without a quote or a
    // backslash: copied whole after one look at each byte.
    const auto plain_ascii = [](char ch) {
      const auto c = static_cast<unsigned char>(ch);
      return c >= 0x20U && c < 0x80U && c != '"' && c != '\\';
    };
    if (std::all_of(text.begin(), text.end(), plain_ascii)) {
      out_ += '"';
      out_ += text;
      out_ += '"';
      return;
    }
    if (!valid_utf8(text)) {
      out_ += nlohmann::ordered_json(text).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
      return;
    }
    out_ += '"';
    std::size_t plain = 0;  // the start of the bytes not yet written
    for (std::size_t i = 0; i < text.size(); ++i) {
      const auto c = static_cast<unsigned char>(text[i]);
      if (c >= 0x20U && c != '"' && c != '\\') continue;
      out_.append(text.data() + plain, i - plain);
      plain = i + 1;
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\b': out_ += "\\b"; break;
        case '\f': out_ += "\\f"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default: {
          constexpr const char* hex = "0123456789abcdef";
          out_ += "\\u00";
          out_ += hex[c >> 4U];
          out_ += hex[c & 0xFU];
        }
      }
    }
    out_.append(text.data() + plain, text.size() - plain);
    out_ += '"';
  }

  std::string& out_;
  int indent_;
  int depth_;
  std::vector<level> levels_;
  bool after_key_ = false;
};

class json_value_builder {
 public:
  // `keys`: room for that many members up front. An ordered_json object keeps its members in a
  // vector whose growth copies every value it holds (the key is const, so the pair's move may
  // throw), nested arrays and all.
  void begin_object(std::size_t keys = 0) {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    object.get_ref<nlohmann::ordered_json::object_t&>().reserve(keys);
    open(std::move(object));
  }
  void end_object() { open_.pop_back(); }
  void begin_array() { open(nlohmann::ordered_json::array()); }
  void end_array() { open_.pop_back(); }

  void key(std::string_view name) { key_ = name; }
  template <class T>
  void value(const T& v) {
    place(nlohmann::ordered_json(v));
  }
  template <class T>
  void value(const std::optional<T>& v) {
    if (v) value(*v);
    else place(nullptr);
  }
  template <class T>
  void member(std::string_view name, const T& v) {
    key(name);
    value(v);
  }

  // The value made (after its last end_object or end_array).
  [[nodiscard]] nlohmann::ordered_json take() { return std::move(root_); }

 private:
  // Puts v where the next value goes: the root, the open object's member named by the last key,
  // or the open array's next element. Only the innermost open value ever grows, so the pointers
  // to the open ones (each an element of the one before) stay valid.
  nlohmann::ordered_json& place(nlohmann::ordered_json v) {
    if (open_.empty()) {
      root_ = std::move(v);
      return root_;
    }
    nlohmann::ordered_json& top = *open_.back();
    if (top.is_object()) return top[key_] = std::move(v);
    top.push_back(std::move(v));
    return top.back();
  }
  void open(nlohmann::ordered_json v) { open_.push_back(&place(std::move(v))); }

  nlohmann::ordered_json root_;
  std::vector<nlohmann::ordered_json*> open_;
  std::string key_;
};

}  // namespace qscore::detail
