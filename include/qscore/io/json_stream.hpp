// Writing a JSON document piece by piece, byte for byte as nlohmann::json::dump would write it
// whole. A report's units array grows with units x items x options (53 MB of JSON for 1,000
// units of the bench pool), and nlohmann's tree of it took five times that in memory; written a
// unit at a time (each unit straight to text, io/json_writer.hpp), only one unit's text exists
// at once.
//
// How dump lays a value out, which these functions follow: with indent >= 0, an object is "{",
// then each member on a line of its own, indented one level deeper than the object, as
// "key": value, members separated by ",", then a line break and "}" at the object's own
// indentation; arrays likewise with "[" and "]"; an empty object or array is "{}" or "[]". With
// indent < 0 everything is on one line with no spaces: {"key":value,...}. A nested value laid
// out at depth d is the value dumped on its own with every line after the first indented by
// d * indent more spaces: dump writes a line break only between structural tokens, never inside a
// string (a newline in text is escaped as \n), so inserting the indentation after each one is
// exact.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace qscore::detail {

class json_stream {
 public:
  json_stream(std::ostream& out, int indent) : out_(out), indent_(indent) {}

  // A value nested `depth` levels deep, from its first character (the caller has written the
  // indentation of its first line).
  void value(const nlohmann::ordered_json& v, int depth) { write(rendered(v, depth)); }

  // The text value() writes for `v`, made without writing it: safe on any thread, so that the
  // values of an array can be rendered side by side and written in order.
  [[nodiscard]] std::string rendered(const nlohmann::ordered_json& v, int depth) const {
    std::string text = v.dump(indent_, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    if (!pretty() || depth == 0 || indent_ == 0) return text;
    // Indented in a string and written once: a write per line cost more than the dump itself.
    const std::string pad = padding(depth);
    std::string indented;
    indented.reserve(text.size() + text.size() / 4);
    std::size_t start = 0;
    for (std::size_t line_end = text.find('\n'); line_end != std::string::npos; line_end = text.find('\n', start)) {
      indented.append(text, start, line_end + 1 - start).append(pad);
      start = line_end + 1;
    }
    indented.append(text, start, std::string::npos);
    return indented;
  }

  void write(std::string_view text) { out_ << text; }

  // The pieces of an object or array nested `depth` levels deep (the top level is depth 0):
  // open, then before each member or element next() (and key() for a member) and the member's
  // value, then close(). `first`: nothing was written in the container yet.
  void open(char bracket) { out_ << bracket; }
  void next(bool first, int depth) {
    if (!first) out_ << ',';
    if (pretty()) out_ << '\n' << padding(depth + 1);
  }
  void key(std::string_view name) {
    out_ << nlohmann::ordered_json(name).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
         << (pretty() ? ": " : ":");
  }
  void close(char bracket, bool empty, int depth) {
    if (pretty() && !empty) out_ << '\n' << padding(depth);
    out_ << bracket;
  }

 private:
  [[nodiscard]] bool pretty() const { return indent_ >= 0; }
  [[nodiscard]] std::string padding(int depth) const {
    return std::string(static_cast<std::size_t>(depth) * static_cast<std::size_t>(indent_), ' ');
  }

  std::ostream& out_;
  int indent_;
};

}  // namespace qscore::detail
