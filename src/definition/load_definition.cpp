// The YAML definition loader: yaml-cpp is confined to this translation unit (and to the guard
// pass, yaml_guard.cpp).
//
// Pipeline: size check (D008) -> guard pass over yaml-cpp's events (yaml_guard.hpp: depth, node
// count, scalar length, anchors and aliases, a second document; D009-D012) -> yaml-cpp node tree
// -> a schema-driven walk that fills an `instrument` and a `source_map`, collecting structural diagnostics (D001-D007, and D026 for an unsupported
// `format`) -> check_instrument for the semantic rules (D020-D032) -> every diagnostic, sorted by
// file position.
//
// Decisions worth knowing:
// - Positions are 1-based. The line counts line breaks (\n, \r\n or a lone \r) before the node;
//   the column counts Unicode code points (characters, not bytes) from the start of the line, so
//   a position in a line of Chinese text matches what an editor shows. Both come from
//   yaml-cpp's Mark through one function (`position_index::at`); a null mark gives "no position".
// - A bad value points at the value; an unknown or duplicate key points at the key; a missing
//   field points at the mapping that should hold it. Paths are JSON pointers (/items/3/weight).
// - Numbers, integers and booleans must be plain (unquoted) scalars: "12" in quotes is a string.
//   Numbers follow YAML 1.2's core schema, parsed with std::from_chars (locale-independent): an
//   optional sign, digits, an optional fraction and exponent; .inf, -.inf and .nan are read (and
//   then rejected by check_instrument where a finite value is needed). No hex, octal, binary,
//   digit separators or sexagesimal: `017` is the integer 17. An integer field rejects `1.0`.
//   Booleans are exactly `true` or `false` (no yes/no/on/off/True).
// - Strings (ids, columns, labels) accept any non-null scalar, stored exactly as written. A code
//   is a string or an integer, also kept as written: `code: 1` and `code: "1"` both give "1",
//   `code: 01` gives "01"; a plain float (`1.5`) or boolean is refused (D005: quote it).
// - Duplicate keys: the first occurrence is used, every later one is reported (D003).
// - A value that could not be read leaves a default in the instrument (NaN for numbers) and marks
//   its path; semantic diagnostics at, above or below a marked path are dropped, as are dangling
//   references when a scale or dimension id could not be read, so one mistake gives one
//   diagnostic rather than a cascade.
// - Formulas (`formulas:`, `ballot.valid_if`, `checks:`) are strings kept as written, with the
//   file position of their first character (`formula_origin`), so that check_instrument's
//   formula diagnostics point at the exact line and column inside the YAML file.
// - Nothing is thrown and nothing is printed: every yaml-cpp exception becomes a diagnostic.
#include "qscore/definition/load.hpp"
#include "qscore/scorecard/check.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "yaml_guard.hpp"

namespace qscore {
namespace {

// ---------------------------------------------------------------------------------------------
// Positions

// Turns yaml-cpp's 0-based byte Mark into our 1-based line and character column.
class position_index {
 public:
  position_index(std::string_view text, std::string file) : text_(text), file_(std::move(file)) {
    line_starts_.push_back(0);
    for (std::size_t i = 0; i < text_.size(); ++i) {
      const char c = text_[i];
      if (c == '\n' || (c == '\r' && (i + 1 == text_.size() || text_[i + 1] != '\n')))
        line_starts_.push_back(i + 1);
    }
  }

  [[nodiscard]] const std::string& file() const { return file_; }

  // The one place where yaml-cpp's 0-based Mark becomes a 1-based source_location.
  [[nodiscard]] source_location at(const YAML::Mark& mark) const {
    source_location where;
    where.file = file_;
    if (mark.is_null()) return where;
    if (mark.pos >= 0 && static_cast<std::size_t>(mark.pos) <= text_.size()) {
      const auto pos = static_cast<std::size_t>(mark.pos);
      // The last line start at or before pos.
      const auto next = std::upper_bound(line_starts_.begin(), line_starts_.end(), pos);
      const auto line_index = static_cast<std::size_t>(std::distance(line_starts_.begin(), next)) - 1;
      std::int64_t column = 1;
      for (std::size_t i = line_starts_[line_index]; i < pos; ++i)
        if ((static_cast<unsigned char>(text_[i]) & 0xC0U) != 0x80U) ++column;  // skip UTF-8 continuations
      where.line = static_cast<std::int64_t>(line_index) + 1;
      where.column = column;
      return where;
    }
    if (mark.line >= 0 && mark.column >= 0) {
      where.line = static_cast<std::int64_t>(mark.line) + 1;
      where.column = static_cast<std::int64_t>(mark.column) + 1;
    }
    return where;
  }

 private:
  std::string_view text_;
  std::string file_;
  std::vector<std::size_t> line_starts_;
};

// ---------------------------------------------------------------------------------------------
// Scalars

enum class scalar_error : std::uint8_t { none, not_a_number, out_of_range };

struct real_value {
  double value = 0.0;
  scalar_error error = scalar_error::none;
};

struct integer_value {
  std::int64_t value = 0;
  scalar_error error = scalar_error::none;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// YAML 1.2 core-schema float or integer: [-+]? (digits [. digits?] | . digits) ([eE] [-+]? digits)?,
// or [-+]?.inf, or .nan (any of the three spellings each).
real_value parse_real(std::string_view text) {
  real_value out;
  std::string_view body = text;
  bool negative = false;
  if (!body.empty() && (body.front() == '+' || body.front() == '-')) {
    negative = body.front() == '-';
    body.remove_prefix(1);
  }
  if (body == ".inf" || body == ".Inf" || body == ".INF") {
    out.value = negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    return out;
  }
  if (text == ".nan" || text == ".NaN" || text == ".NAN") {
    out.value = std::numeric_limits<double>::quiet_NaN();
    return out;
  }
  // from_chars would also take "inf", "nan" and "infinity": only digits or a '.' then a digit.
  const bool starts_well = !body.empty() && (is_digit(body.front()) || (body.front() == '.' && body.size() > 1 && is_digit(body[1])));
  if (!starts_well) {
    out.error = scalar_error::not_a_number;
    return out;
  }
  double value = 0.0;
  const auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), value, std::chars_format::general);
  if (end != body.data() + body.size() || (ec != std::errc{} && ec != std::errc::result_out_of_range)) {
    out.error = scalar_error::not_a_number;
    return out;
  }
  if (ec == std::errc::result_out_of_range) {
    out.error = scalar_error::out_of_range;
    return out;
  }
  out.value = negative ? -value : value;
  return out;
}

// [-+]? digits, decimal only: "017" is 17.
integer_value parse_integer(std::string_view text) {
  integer_value out;
  std::string_view body = text;
  bool negative = false;
  if (!body.empty() && (body.front() == '+' || body.front() == '-')) {
    negative = body.front() == '-';
    body.remove_prefix(1);
  }
  if (body.empty() || !std::all_of(body.begin(), body.end(), is_digit)) {
    out.error = scalar_error::not_a_number;
    return out;
  }
  std::uint64_t magnitude = 0;
  const auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), magnitude);
  constexpr auto max_positive = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (ec != std::errc{} || end != body.data() + body.size() || magnitude > max_positive + (negative ? 1U : 0U)) {
    out.error = scalar_error::out_of_range;
    return out;
  }
  if (negative)
    out.value = magnitude == max_positive + 1U ? std::numeric_limits<std::int64_t>::min()
                                               : -static_cast<std::int64_t>(magnitude);
  else
    out.value = static_cast<std::int64_t>(magnitude);
  return out;
}

// A scalar as shown in a message: quoted, at most 40 bytes (cut on a character boundary).
std::string show(std::string_view text) {
  constexpr std::size_t limit = 40;
  if (text.size() <= limit) return "'" + std::string(text) + "'";
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) --cut;
  return "'" + std::string(text.substr(0, cut)) + "...'";
}

std::string kind_of(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null: return "null";
    case YAML::NodeType::Scalar: return "a scalar";
    case YAML::NodeType::Sequence: return "a sequence";
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Undefined: break;
  }
  return "nothing";
}

// Quoted and block scalars carry the non-specific tag "!"; plain scalars carry "?".
// An explicit !!str tag counts as quoted too.
bool is_quoted(const YAML::Node& node) { return node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str"; }

std::string join(std::initializer_list<std::string_view> words) {
  std::string out;
  for (const auto word : words) {
    if (!out.empty()) out += ", ";
    out += word;
  }
  return out;
}

bool starts_with_path(std::string_view path, std::string_view prefix) {
  return path.size() > prefix.size() && path.substr(0, prefix.size()) == prefix && path[prefix.size()] == '/';
}

// The keys a mapping may hold.
using key_set = std::initializer_list<std::string_view>;

const key_set root_keys = {"format", "id",     "version", "title",   "language", "points",  "scales", "dimensions",
                               "items",  "weight_total", "groups", "units", "columns",  "ballot", "ranking",
                               "statistics", "privacy", "formulas", "checks", "scorecard"};
const key_set scale_keys = {"id", "label", "options", "numeric"};
const key_set numeric_keys = {"min", "max", "points", "positive_from"};
const key_set option_keys = {"code", "label", "points", "non_answer", "positive"};
const key_set dimension_keys = {"id", "label"};
const key_set item_keys = {"id", "text", "scale", "weight", "dimension", "reverse", "column"};
const key_set group_keys = {"id", "label", "share"};
const key_set unit_keys = {"id", "label"};
const key_set column_keys = {"respondent", "group", "unit", "weight", "stratum"};
const key_set ballot_keys = {"min_answered", "valid_if"};
const key_set formula_keys = {"name", "label", "formula"};
const key_set check_keys = {"name", "rule", "action"};
const key_set ranking_keys = {"min_valid", "decimals"};
const key_set statistics_keys = {"reliability", "reliability_by_group", "population", "rank_replicates", "rank_seed"};
const key_set population_keys = {"stratum", "size"};
const key_set privacy_keys = {"min_cell"};
const key_set scorecard_keys = {"points", "components", "formulas", "total", "veto", "tie_break", "bands"};
const key_set component_keys = {"id", "label", "input", "points", "cap", "missing_value", "deductions", "floor"};
const key_set deduction_keys = {"source", "category", "per", "per_escalated"};
const key_set scorecard_formula_keys = {"name", "formula"};
const key_set veto_keys = {"action"};
const key_set band_keys = {"id", "label", "from"};

// ---------------------------------------------------------------------------------------------
// The walk

// One key of a mapping, first occurrence only. Nodes are copy-constructed, never assigned (a
// yaml-cpp Node assignment writes through to the tree).
struct field {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
};

// A mapping whose keys have been checked: what the schema walk reads fields from.
struct mapping {
  YAML::Node node;
  std::string path;
  std::vector<field> fields;

  [[nodiscard]] const field* find(std::string_view key) const {
    for (const auto& f : fields)
      if (f.key == key) return &f;
    return nullptr;
  }
  [[nodiscard]] std::string path_of(std::string_view key) const {
    return path + "/" + detail::pointer_segment(key);
  }
};

class definition_loader {
 public:
  definition_loader(std::string_view text, std::string file, const definition_limits& limits)
      : text_(text), positions_(text_, std::move(file)), limits_(limits) {}

  result<loaded_definition> run() {
    if (parse()) {
      try {
        read_root(*root_);
      } catch (const std::exception& e) {  // YAML::Exception included; should not happen
        add(errc::wrong_type, source_location{positions_.file()}, "", std::string("unexpected YAML structure: ") + e.what(),
            true);
      }
      if (!root_failed_) {
        for (auto& d : check_instrument(definition_, where_))
          if (!suppressed(d)) problems_.push_back(std::move(d));
        for (auto& d : check_scorecard(definition_, where_))
          if (!suppressed(d)) problems_.push_back(std::move(d));
      }
    }
    // Document order; diagnostics without a position keep their order, after the others.
    std::stable_sort(problems_.begin(), problems_.end(), [](const diagnostic& a, const diagnostic& b) {
      if (a.where.known() != b.where.known()) return a.where.known();
      if (a.where.line != b.where.line) return a.where.line < b.where.line;
      return a.where.column < b.where.column;
    });
    if (has_errors(problems_) || root_failed_) return std::move(problems_);
    return result<loaded_definition>(loaded_definition{std::move(definition_), std::move(where_)}, std::move(problems_));
  }

 private:
  // --- diagnostics ---------------------------------------------------------------------------

  void add(errc code, source_location where, std::string path, std::string message, bool poison) {
    if (poison) poisoned_.insert(path);
    diagnostic d;
    d.code = code;
    d.level = severity::error;
    d.message = std::move(message);
    d.where = std::move(where);
    d.path = std::move(path);
    problems_.push_back(std::move(d));
  }

  // Values that could not be read (D004, D005, D006) poison their path; see `suppressed`.
  void problem(errc code, const YAML::Node& at, std::string path, std::string message) {
    const bool poison = code == errc::missing_field || code == errc::wrong_type || code == errc::bad_number;
    add(code, locate(at), std::move(path), std::move(message), poison);
  }

  [[nodiscard]] source_location locate(const YAML::Node& node) const {
    try {
      return positions_.at(node.Mark());
    } catch (const std::exception&) {  // an invalid node throws even from Mark()
      return source_location{positions_.file()};
    }
  }

  void record(const std::string& path, const YAML::Node& node) { where_[path] = locate(node); }

  // A semantic diagnostic that follows from a value already reported as unreadable.
  // Set lookups, not a scan of every poisoned path per diagnostic: a file with 100,000 bad values
  // would otherwise take minutes (quadratic).
  [[nodiscard]] bool suppressed(const diagnostic& d) const {
    // d.path or one of its ancestors ("" is the root) is poisoned.
    std::string_view path = d.path;
    for (;;) {
      if (poisoned_.find(path) != poisoned_.end()) return true;
      const auto slash = path.rfind('/');
      if (slash == std::string_view::npos) break;
      path = path.substr(0, slash);
    }
    // A poisoned path below d.path.
    const std::string below = d.path + "/";
    const auto next = poisoned_.lower_bound(below);
    if (next != poisoned_.end() && next->compare(0, below.size(), below) == 0) return true;
    if (d.code == errc::dangling_reference) {
      const bool scale = d.path.size() >= 6 && d.path.compare(d.path.size() - 6, 6, "/scale") == 0;
      return unreadable_ids(scale ? "/scales" : "/dimensions");
    }
    return false;
  }

  // Whether a scale (or dimension) id could not be read: `list` itself, "<list>/<n>" or
  // "<list>/<n>/id" is poisoned. Asked once per list, then remembered.
  bool unreadable_ids(const std::string& list) const {
    const auto known = unreadable_ids_.find(list);
    if (known != unreadable_ids_.end()) return known->second;
    bool found = poisoned_.count(list) > 0;
    for (auto it = poisoned_.lower_bound(list + "/"); !found && it != poisoned_.end() && starts_with_path(*it, list); ++it) {
      // "/scales/<n>" or "/scales/<n>/id": a scale whose id could not be read.
      const std::string_view rest = std::string_view(*it).substr(list.size() + 1);
      const auto slash = rest.find('/');
      found = slash == std::string_view::npos || rest.substr(slash) == "/id";
    }
    unreadable_ids_.emplace(list, found);
    return found;
  }

  // --- parsing -------------------------------------------------------------------------------

  bool parse() {
    const auto bytes = [&](std::size_t i) { return i < text_.size() ? static_cast<unsigned char>(text_[i]) : 0x100U; };
    const bool utf16_or_32 = (bytes(0) == 0xFE && bytes(1) == 0xFF) || (bytes(0) == 0xFF && bytes(1) == 0xFE) ||
                             (text_.size() >= 2 && (bytes(0) == 0 || bytes(1) == 0));
    if (utf16_or_32) {
      add(errc::yaml_syntax, source_location{positions_.file(), 1, 1}, "",
          "the definition is not UTF-8 text (it looks like UTF-16 or UTF-32); save it as UTF-8", true);
      root_failed_ = true;
      return false;
    }
    // A UTF-8 byte order mark is dropped here, so that yaml-cpp's byte positions index text_.
    if (text_.size() >= 3 && bytes(0) == 0xEF && bytes(1) == 0xBB && bytes(2) == 0xBF) {
      text_.erase(0, 3);
      positions_ = position_index(text_, positions_.file());
    }
    // The guard pass (yaml_guard.hpp) runs first: limits, anchors and aliases, and the second
    // document, all from yaml-cpp's event parser before any node is built. Never YAML::LoadAll
    // (it loops forever in yaml-cpp 0.7 on a stray ','); YAML::Load builds the first document.
    try {
      const detail::yaml_guard_result guard = detail::guard_yaml(text_, limits_);
      if (guard.empty) {
        add(errc::wrong_type, source_location{positions_.file()}, "",
            "the definition is empty, expected a mapping with id, scales, items and groups", true);
        root_failed_ = true;
        return false;
      }
      if (guard.refusal) {
        add(guard.refusal->code, positions_.at(guard.refusal->mark), "", guard.refusal->message, true);
        root_failed_ = true;
        return false;
      }
      if (!guard.second_document.is_null()) {
        // A real second document starts with `---`; anything else is a token yaml-cpp 0.7 could
        // not place (a stray ',' at the start of a document), on which LoadAll would loop.
        const int at = guard.second_document.pos;
        const bool marker = at >= 0 && static_cast<std::size_t>(at) < text_.size() &&
                            text_.compare(static_cast<std::size_t>(at), 3, "---") == 0;
        if (!marker) {
          add(errc::yaml_syntax, positions_.at(guard.second_document), "", "invalid YAML: unexpected token", true);
          root_failed_ = true;
          return false;
        }
        add(errc::yaml_syntax, positions_.at(guard.second_document), "", "expected one YAML document, found a second one",
            false);
      }
      root_.emplace(YAML::Load(text_));
    } catch (const YAML::Exception& e) {  // ParserException and the rest
      add(errc::yaml_syntax, positions_.at(e.mark), "", "invalid YAML: " + e.msg, true);
      root_failed_ = true;
      return false;
    } catch (const std::exception& e) {
      add(errc::yaml_syntax, source_location{positions_.file()}, "", std::string("invalid YAML: ") + e.what(), true);
      root_failed_ = true;
      return false;
    }
    const YAML::Node& root = *root_;
    if (!root.IsMap()) {
      add(errc::wrong_type, locate(root), "", "expected a mapping at the top level, got " + kind_of(root), true);
      root_failed_ = true;
      return false;
    }
    return true;
  }

  // --- mappings and lists --------------------------------------------------------------------

  // Checks the node is a mapping; reports D005 otherwise.
  bool expect_map(const YAML::Node& node, const std::string& path, std::string_view what) {
    if (node.IsMap()) return true;
    problem(errc::wrong_type, node, path, "expected " + std::string(what) + " (a mapping), got " + kind_of(node));
    return false;
  }

  // Reads the keys of a mapping: duplicates (D003), unknown keys (D002, unless `allowed` is
  // null: any key), non-scalar keys (D005).
  mapping read_keys(const YAML::Node& node, const std::string& path, const key_set* allowed, std::string_view what) {
    mapping out{node, path, {}};
    record(path, node);
    std::vector<field> all;  // every scalar key seen, for duplicate detection
    std::unordered_map<std::string, std::size_t> seen;  // key -> index in `all` (a scan would be quadratic)
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node key_node = it->first;
      const YAML::Node value = it->second;
      if (!key_node.IsScalar()) {
        add(errc::wrong_type, locate(key_node), path, "expected a string key, got " + kind_of(key_node), false);
        continue;
      }
      const std::string& key = key_node.Scalar();
      const std::string key_path = path + "/" + detail::pointer_segment(key);
      const auto first = seen.find(key);
      if (first != seen.end()) {
        const source_location at = locate(all[first->second].key_node);
        const std::string first_at =
            at.known() ? "first at " + std::to_string(at.line) + ":" + std::to_string(at.column) : "first earlier";
        add(errc::duplicate_key, locate(key_node), key_path, "duplicate key '" + key + "' (" + first_at + ")", false);
        continue;
      }
      seen.emplace(key, all.size());
      all.push_back(field{key, key_node, value});
      if (allowed && std::find(allowed->begin(), allowed->end(), key) == allowed->end()) {
        add(errc::unknown_key, locate(key_node), key_path,
            "unknown key '" + key + "' in " + std::string(what) + "; allowed keys: " + join(*allowed), false);
        continue;
      }
      out.fields.push_back(field{key, key_node, value});
    }
    return out;
  }

  // The value of `key`, recording its position (the mapping's for an absent key); D004 when a
  // required key is absent.
  const YAML::Node* value_of(const mapping& map, std::string_view key, bool required) {
    const std::string path = map.path_of(key);
    const field* f = map.find(key);
    if (!f) {
      record(path, map.node);
      if (required) problem(errc::missing_field, map.node, path, "missing required field '" + std::string(key) + "'");
      return nullptr;
    }
    record(path, f->value);
    return &f->value;
  }

  // Calls read(entry, path) for each entry of a sequence; D005 if the node is not one.
  template <class Read>
  void read_list(const YAML::Node& node, const std::string& path, std::string_view what, Read read) {
    if (!node.IsSequence()) {
      problem(errc::wrong_type, node, path, "expected a sequence of " + std::string(what) + ", got " + kind_of(node));
      return;
    }
    record(path, node);
    std::size_t index = 0;
    for (auto it = node.begin(); it != node.end(); ++it, ++index) {
      const YAML::Node entry = *it;
      const std::string entry_path = path + "/" + std::to_string(index);
      record(entry_path, entry);
      read(entry, entry_path);
    }
  }

  // --- scalars -------------------------------------------------------------------------------

  bool expect_scalar(const YAML::Node& node, const std::string& path, std::string_view expected) {
    if (node.IsScalar()) return true;
    problem(errc::wrong_type, node, path, "expected " + std::string(expected) + ", got " + kind_of(node));
    return false;
  }

  void read_string(const mapping& map, std::string_view key, std::string& out, bool required = false) {
    const YAML::Node* node = value_of(map, key, required);
    if (!node) return;
    if (expect_scalar(*node, map.path_of(key), "a string")) out = node->Scalar();
  }

  void read_real(const YAML::Node& node, const std::string& path, double& out) {
    if (!expect_scalar(node, path, "a number")) {
      out = std::numeric_limits<double>::quiet_NaN();
      return;
    }
    const std::string& text = node.Scalar();
    if (is_quoted(node)) {
      problem(errc::bad_number, node, path, "expected a number, got the quoted string " + show(text));
      out = std::numeric_limits<double>::quiet_NaN();
      return;
    }
    const real_value parsed = parse_real(text);
    if (parsed.error == scalar_error::none) {
      out = parsed.value;
      return;
    }
    out = std::numeric_limits<double>::quiet_NaN();
    if (parsed.error == scalar_error::out_of_range)
      problem(errc::bad_number, node, path, "number " + show(text) + " is out of range");
    else
      problem(errc::bad_number, node, path, "expected a number, got " + show(text));
  }

  void read_real(const mapping& map, std::string_view key, double& out, bool required = false) {
    const YAML::Node* node = value_of(map, key, required);
    if (node) read_real(*node, map.path_of(key), out);
  }

  void read_real(const mapping& map, std::string_view key, std::optional<double>& out) {
    const YAML::Node* node = value_of(map, key, false);
    if (!node) return;
    double value = 0.0;
    read_real(*node, map.path_of(key), value);
    out = value;
  }

  // An integer in [low, high].
  std::optional<std::int64_t> read_integer(const mapping& map, std::string_view key, bool required, std::int64_t low,
                                           std::int64_t high) {
    const YAML::Node* node = value_of(map, key, required);
    if (!node) return std::nullopt;
    const std::string path = map.path_of(key);
    if (!expect_scalar(*node, path, "an integer")) return std::nullopt;
    const std::string& text = node->Scalar();
    if (is_quoted(*node)) {
      problem(errc::bad_number, *node, path, "expected an integer, got the quoted string " + show(text));
      return std::nullopt;
    }
    const integer_value parsed = parse_integer(text);
    if (parsed.error == scalar_error::not_a_number) {
      problem(errc::bad_number, *node, path, "expected an integer, got " + show(text));
      return std::nullopt;
    }
    if (parsed.error == scalar_error::out_of_range || parsed.value < low || parsed.value > high) {
      problem(errc::bad_number, *node, path,
              "integer " + show(text) + " is out of range " + std::to_string(low) + ".." + std::to_string(high));
      return std::nullopt;
    }
    return parsed.value;
  }

  void read_int(const mapping& map, std::string_view key, int& out, bool required = false) {
    if (const auto v = read_integer(map, key, required, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()))
      out = static_cast<int>(*v);
  }

  void read_int(const mapping& map, std::string_view key, std::optional<int>& out) {
    if (const auto v = read_integer(map, key, false, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()))
      out = static_cast<int>(*v);
  }

  void read_bool(const mapping& map, std::string_view key, bool& out) {
    const YAML::Node* node = value_of(map, key, false);
    if (!node) return;
    const std::string path = map.path_of(key);
    if (!expect_scalar(*node, path, "true or false")) return;
    const std::string& text = node->Scalar();
    if (!is_quoted(*node) && (text == "true" || text == "false")) {
      out = text == "true";
      return;
    }
    problem(errc::bad_number, *node, path,
            "expected true or false, got " + std::string(is_quoted(*node) ? "the quoted string " : "") + show(text));
  }

  // A label: a string, or a mapping of language code to text (order kept).
  void read_label(const mapping& map, std::string_view key, label& out) {
    const YAML::Node* node = value_of(map, key, false);
    if (!node) return;
    const std::string path = map.path_of(key);
    if (node->IsScalar()) {
      out = label(node->Scalar());
      return;
    }
    if (!node->IsMap()) {
      problem(errc::wrong_type, *node, path,
              "expected a label (a string, or a mapping of language to text), got " + kind_of(*node));
      return;
    }
    const mapping texts = read_keys(*node, path, nullptr, "a label");
    label result;
    for (const auto& f : texts.fields) {
      const std::string text_path = texts.path_of(f.key);
      record(text_path, f.value);
      if (expect_scalar(f.value, text_path, "a string")) result.append_new(f.key, f.value.Scalar());  // keys are unique
    }
    out = std::move(result);
  }

  // --- the schema ----------------------------------------------------------------------------

  void read_root(const YAML::Node& node) {
    const mapping root = read_keys(node, "", &root_keys, "the definition");

    if (const YAML::Node* format = value_of(root, "format", false)) {
      if (expect_scalar(*format, "/format", "a string") && format->Scalar() != "qscore/1")
        problem(errc::invalid_value, *format, "/format",
                "format " + show(format->Scalar()) + " is not supported, expected 'qscore/1'");
    }
    read_string(root, "id", definition_.id, true);
    read_string(root, "version", definition_.version);
    read_label(root, "title", definition_.title);
    read_string(root, "language", definition_.language);
    read_real(root, "points", definition_.points);

    if (const YAML::Node* scales = value_of(root, "scales", true))
      read_list(*scales, "/scales", "scales", [&](const YAML::Node& entry, const std::string& path) {
        definition_.scales.emplace_back();
        read_scale(entry, path, definition_.scales.back());
      });
    if (const YAML::Node* dimensions = value_of(root, "dimensions", false))
      read_list(*dimensions, "/dimensions", "dimensions", [&](const YAML::Node& entry, const std::string& path) {
        definition_.dimensions.emplace_back();
        auto& d = definition_.dimensions.back();
        if (!expect_map(entry, path, "a dimension")) return;
        const mapping map = read_keys(entry, path, &dimension_keys, "a dimension");
        read_string(map, "id", d.id, true);
        read_label(map, "label", d.name);
      });
    read_real(root, "weight_total", definition_.weight_total);
    if (const YAML::Node* items = value_of(root, "items", true))
      read_list(*items, "/items", "items", [&](const YAML::Node& entry, const std::string& path) {
        definition_.items.emplace_back();
        read_item(entry, path, definition_.items.back());
      });
    if (const YAML::Node* groups = value_of(root, "groups", true))
      read_list(*groups, "/groups", "groups", [&](const YAML::Node& entry, const std::string& path) {
        definition_.groups.emplace_back();
        auto& g = definition_.groups.back();
        if (!expect_map(entry, path, "a group")) return;
        const mapping map = read_keys(entry, path, &group_keys, "a group");
        read_string(map, "id", g.id, true);
        read_label(map, "label", g.name);
        read_real(map, "share", g.share, true);
      });
    if (const YAML::Node* units = value_of(root, "units", false))
      read_list(*units, "/units", "units", [&](const YAML::Node& entry, const std::string& path) {
        definition_.units.emplace_back();
        auto& u = definition_.units.back();
        if (!expect_map(entry, path, "a unit")) return;
        const mapping map = read_keys(entry, path, &unit_keys, "a unit");
        read_string(map, "id", u.id, true);
        read_label(map, "label", u.name);
      });
    if (const YAML::Node* columns = value_of(root, "columns", false); columns && expect_map(*columns, "/columns", "columns")) {
      const mapping map = read_keys(*columns, "/columns", &column_keys, "columns");
      read_string(map, "respondent", definition_.columns.respondent);
      read_string(map, "group", definition_.columns.group);
      read_string(map, "unit", definition_.columns.unit);
      read_string(map, "weight", definition_.columns.weight);
      read_string(map, "stratum", definition_.columns.stratum);
    }
    if (const YAML::Node* ballot = value_of(root, "ballot", false); ballot && expect_map(*ballot, "/ballot", "ballot")) {
      const mapping map = read_keys(*ballot, "/ballot", &ballot_keys, "ballot");
      read_real(map, "min_answered", definition_.ballot.min_answered);
      read_formula(map, "valid_if", definition_.ballot.valid_if, false);
    }
    if (const YAML::Node* ranking = value_of(root, "ranking", false);
        ranking && expect_map(*ranking, "/ranking", "ranking")) {
      const mapping map = read_keys(*ranking, "/ranking", &ranking_keys, "ranking");
      if (const auto v = read_integer(map, "min_valid", false, std::numeric_limits<std::int64_t>::min(),
                                      std::numeric_limits<std::int64_t>::max()))
        definition_.ranking.min_valid = *v;
      read_int(map, "decimals", definition_.ranking.decimals);
    }
    if (const YAML::Node* statistics = value_of(root, "statistics", false);
        statistics && expect_map(*statistics, "/statistics", "statistics"))
      read_statistics(*statistics);
    if (const YAML::Node* privacy = value_of(root, "privacy", false);
        privacy && expect_map(*privacy, "/privacy", "privacy"))
      read_privacy(*privacy);
    if (const YAML::Node* formulas = value_of(root, "formulas", false))
      read_list(*formulas, "/formulas", "formulas", [&](const YAML::Node& entry, const std::string& path) {
        definition_.formulas.emplace_back();
        auto& f = definition_.formulas.back();
        if (!expect_map(entry, path, "a formula")) return;
        const mapping map = read_keys(entry, path, &formula_keys, "a formula");
        read_string(map, "name", f.name, true);
        read_label(map, "label", f.name_label);
        read_formula(map, "formula", f.formula, true);
      });
    if (const YAML::Node* checks = value_of(root, "checks", false))
      read_list(*checks, "/checks", "checks", [&](const YAML::Node& entry, const std::string& path) {
        definition_.checks.emplace_back();
        auto& c = definition_.checks.back();
        if (!expect_map(entry, path, "a check")) return;
        const mapping map = read_keys(entry, path, &check_keys, "a check");
        read_string(map, "name", c.name, true);
        read_formula(map, "rule", c.rule, true);
        if (const YAML::Node* action = value_of(map, "action", false)) {
          const std::string action_path = map.path_of("action");
          if (expect_scalar(*action, action_path, "reject, void or flag")) {
            const std::string& text = action->Scalar();
            if (text == "reject") c.action = check_action::reject;
            else if (text == "void") c.action = check_action::void_ballot;
            else if (text == "flag") c.action = check_action::flag;
            else problem(errc::invalid_value, *action, action_path, "expected reject, void or flag, got " + show(text));
          }
        }
      });
    if (const YAML::Node* scorecard = value_of(root, "scorecard", false);
        scorecard && expect_map(*scorecard, "/scorecard", "scorecard"))
      read_scorecard(*scorecard);
  }

  // privacy: {min_cell: N}. The range (>= 1) is check_instrument's, so a definition built in code
  // gets the same diagnostic.
  void read_privacy(const YAML::Node& node) {
    const mapping map = read_keys(node, "/privacy", &privacy_keys, "privacy");
    if (const auto v = read_integer(map, "min_cell", false, std::numeric_limits<std::int64_t>::min(),
                                    std::numeric_limits<std::int64_t>::max()))
      definition_.privacy.min_cell = *v;
  }

  // A formula: a string scalar, with the file position of its first character (see
  // formula_origin), so that parse errors point inside the YAML file.
  void read_formula(const mapping& map, std::string_view key, formula_text& out, bool required) {
    const YAML::Node* node = value_of(map, key, required);
    if (!node) return;
    if (!expect_scalar(*node, map.path_of(key), "a formula (a string)")) return;
    out.text = node->Scalar();
    out.origin = formula_origin(*node);
  }

  // Where a formula scalar's first character is. yaml-cpp's Mark points at the scalar's first
  // token: for a plain scalar that is the formula itself; for a quoted one, the quote (the
  // formula starts one column later); for a block scalar (`|` or `>`), the indicator: the text
  // starts on the next line, in the column of the block's indentation (that of its first
  // non-blank line). A quoted formula with escapes, or a folded one (`>`, or a plain scalar over
  // several lines) that continues on later lines, gets exact positions on its first line only.
  [[nodiscard]] source_location formula_origin(const YAML::Node& node) const {
    source_location where = locate(node);
    if (!where.known()) return where;
    int pos = -1;
    try {
      pos = node.Mark().pos;
    } catch (const std::exception&) {
      return where;
    }
    if (pos < 0 || static_cast<std::size_t>(pos) >= text_.size()) return where;
    const auto at = static_cast<std::size_t>(pos);
    const char first = text_[at];
    if (first == '"' || first == '\'') {
      ++where.column;
      return where;
    }
    if (first != '|' && first != '>') return where;
    const std::size_t header_end = text_.find_first_of("\r\n", at);
    if (header_end == std::string::npos) return where;
    std::size_t line_start = header_end + (text_.compare(header_end, 2, "\r\n") == 0 ? 2 : 1);
    // The indentation of the first non-blank line; blank lines before it are part of the text.
    std::size_t indent = 0;
    for (std::size_t scan = line_start; scan < text_.size();) {
      std::size_t spaces = 0;
      while (scan + spaces < text_.size() && text_[scan + spaces] == ' ') ++spaces;
      const std::size_t end = scan + spaces;
      if (end < text_.size() && text_[end] != '\n' && text_[end] != '\r') {
        indent = spaces;
        break;
      }
      scan = text_.find('\n', end);
      if (scan == std::string::npos) break;
      ++scan;
    }
    YAML::Mark start;
    start.pos = static_cast<int>(line_start);
    source_location origin = positions_.at(start);
    origin.column = static_cast<std::int64_t>(indent) + 1;
    return origin;
  }

  // The composite scorecard (scorecard/model.hpp); its rules are checked by check_scorecard.
  void read_scorecard(const YAML::Node& node) {
    scorecard_definition& card = definition_.scorecard.emplace();
    const mapping map = read_keys(node, "/scorecard", &scorecard_keys, "scorecard");
    read_real(map, "points", card.points);
    if (const YAML::Node* components = value_of(map, "components", true))
      read_list(*components, "/scorecard/components", "components", [&](const YAML::Node& entry, const std::string& path) {
        card.components.emplace_back();
        auto& c = card.components.back();
        if (!expect_map(entry, path, "a component")) return;
        const mapping fields = read_keys(entry, path, &component_keys, "a component");
        read_string(fields, "id", c.id, true);
        read_label(fields, "label", c.name);
        if (const YAML::Node* input = value_of(fields, "input", true)) {
          const std::string input_path = fields.path_of("input");
          if (expect_scalar(*input, input_path, "survey, values or counts")) {
            const std::string& text = input->Scalar();
            if (text == "survey") c.input = component_input::survey;
            else if (text == "values") c.input = component_input::values;
            else if (text == "counts") c.input = component_input::counts;
            else problem(errc::invalid_value, *input, input_path, "expected survey, values or counts, got " + show(text));
          }
        }
        read_real(fields, "points", c.points);
        read_real(fields, "cap", c.cap);
        read_real(fields, "missing_value", c.missing_value);
        read_real(fields, "floor", c.floor);
        if (const YAML::Node* rules = value_of(fields, "deductions", false))
          read_list(*rules, path + "/deductions", "deduction rules", [&](const YAML::Node& rule_entry, const std::string& rule_path) {
            c.deductions.emplace_back();
            auto& r = c.deductions.back();
            if (!expect_map(rule_entry, rule_path, "a deduction rule")) return;
            const mapping rule = read_keys(rule_entry, rule_path, &deduction_keys, "a deduction rule");
            read_string(rule, "source", r.source);
            read_string(rule, "category", r.category);
            read_real(rule, "per", r.per, true);
            read_real(rule, "per_escalated", r.per_escalated);
          });
      });
    if (const YAML::Node* formulas = value_of(map, "formulas", false))
      read_list(*formulas, "/scorecard/formulas", "formulas", [&](const YAML::Node& entry, const std::string& path) {
        card.formulas.emplace_back();
        auto& f = card.formulas.back();
        if (!expect_map(entry, path, "a formula")) return;
        const mapping fields = read_keys(entry, path, &scorecard_formula_keys, "a formula");
        read_string(fields, "name", f.name, true);
        read_string(fields, "formula", f.formula, true);
        // The formula's position is that of its first character: past the opening quote.
        if (const field* text = fields.find("formula"); text && text->value.IsScalar() && is_quoted(text->value)) {
          auto& at = where_[fields.path_of("formula")];
          if (at.known()) ++at.column;
        }
      });
    read_string(map, "total", card.total);
    if (const YAML::Node* veto = value_of(map, "veto", false); veto && expect_map(*veto, "/scorecard/veto", "veto")) {
      card.veto.enabled = true;
      const mapping fields = read_keys(*veto, "/scorecard/veto", &veto_keys, "veto");
      if (const YAML::Node* action = value_of(fields, "action", false)) {
        const std::string path = fields.path_of("action");
        if (expect_scalar(*action, path, "last or exclude")) {
          if (action->Scalar() == "last") card.veto.action = veto_action::last;
          else if (action->Scalar() == "exclude") card.veto.action = veto_action::exclude;
          else problem(errc::invalid_value, *action, path, "expected last or exclude, got " + show(action->Scalar()));
        }
      }
    }
    if (const YAML::Node* keys = value_of(map, "tie_break", false))
      read_list(*keys, "/scorecard/tie_break", "tie-break keys", [&](const YAML::Node& entry, const std::string& path) {
        if (!expect_scalar(entry, path, "a unit-level name, '-' in front when lower is better")) return;
        std::string text = entry.Scalar();
        tie_break_key k;
        if (!text.empty() && text.front() == '-') {
          k.lower_is_better = true;
          text.erase(0, 1);
        }
        k.name = text;
        card.tie_break.push_back(std::move(k));
      });
    if (const YAML::Node* bands = value_of(map, "bands", false))
      read_list(*bands, "/scorecard/bands", "bands", [&](const YAML::Node& entry, const std::string& path) {
        card.bands.emplace_back();
        auto& b = card.bands.back();
        if (!expect_map(entry, path, "a band")) return;
        const mapping fields = read_keys(entry, path, &band_keys, "a band");
        read_string(fields, "id", b.id, true);
        read_label(fields, "label", b.name);
        read_real(fields, "from", b.from, true);
      });
  }

  void read_statistics(const YAML::Node& node) {
    statistics_options& out = definition_.statistics;
    const mapping map = read_keys(node, "/statistics", &statistics_keys, "statistics");
    if (const YAML::Node* rule = value_of(map, "reliability", false)) {
      const std::string path = map.path_of("reliability");
      if (expect_scalar(*rule, path, "listwise, pairwise or none")) {
        const std::string& text = rule->Scalar();
        if (text == "listwise") out.reliability = missing_rule::listwise;
        else if (text == "pairwise") out.reliability = missing_rule::pairwise;
        else if (text != "none")
          problem(errc::invalid_value, *rule, path, "expected listwise, pairwise or none, got " + show(text));
      }
    }
    read_bool(map, "reliability_by_group", out.reliability_by_group);
    if (const auto v = read_integer(map, "rank_replicates", false, 0, 1'000'000)) out.rank_replicates = static_cast<int>(*v);
    if (const auto v = read_integer(map, "rank_seed", false, 0, std::numeric_limits<std::int64_t>::max()))
      out.rank_seed = static_cast<std::uint64_t>(*v);
    if (const YAML::Node* population = value_of(map, "population", false))
      read_list(*population, "/statistics/population", "stratum populations",
                [&](const YAML::Node& entry, const std::string& path) {
                  out.population.emplace_back();
                  auto& p = out.population.back();
                  if (!expect_map(entry, path, "a stratum population")) return;
                  const mapping fields = read_keys(entry, path, &population_keys, "a stratum population");
                  read_string(fields, "stratum", p.stratum, true);
                  read_real(fields, "size", p.size, true);
                });
  }

  void read_scale(const YAML::Node& entry, const std::string& path, answer_scale& scale) {
    if (!expect_map(entry, path, "a scale")) return;
    const mapping map = read_keys(entry, path, &scale_keys, "a scale");
    read_string(map, "id", scale.id, true);
    read_label(map, "label", scale.name);

    const YAML::Node* numeric = value_of(map, "numeric", false);
    if (numeric) {
      // Numeric even when the mapping is malformed: no "categorical scale without options" cascade.
      scale.kind = scale_kind::numeric;
      const std::string numeric_path = path + "/numeric";
      if (expect_map(*numeric, numeric_path, "a numeric range")) {
        const mapping range = read_keys(*numeric, numeric_path, &numeric_keys, "a numeric range");
        read_int(range, "min", scale.min, true);
        read_int(range, "max", scale.max, true);
        read_int(range, "positive_from", scale.positive_from);
        if (const YAML::Node* points = value_of(range, "points", false)) {
          const std::string points_path = numeric_path + "/points";
          if (!points->IsSequence() || points->size() != 2) {
            const std::string got =
                points->IsSequence() ? std::to_string(points->size()) + " entries" : kind_of(*points);
            problem(errc::wrong_type, *points, points_path,
                    "expected a sequence of 2 numbers [points at min, points at max], got " + got);
          } else {
            const YAML::Node at_min = (*points)[0];
            const YAML::Node at_max = (*points)[1];
            record(points_path + "/0", at_min);
            record(points_path + "/1", at_max);
            read_real(at_min, points_path + "/0", scale.points_at_min);
            read_real(at_max, points_path + "/1", scale.points_at_max);
          }
        }
      }
    }

    const YAML::Node* options = value_of(map, "options", false);
    if (options) {
      read_list(*options, path + "/options", "options", [&](const YAML::Node& option_entry, const std::string& option_path) {
        scale.options.emplace_back();
        read_option(option_entry, option_path, scale.options.back());
      });
    } else if (!numeric) {
      problem(errc::missing_field, entry, path + "/options",
              "missing required field 'options' (or 'numeric' for a numeric scale)");
    }
  }

  void read_option(const YAML::Node& entry, const std::string& path, answer_option& option) {
    if (!expect_map(entry, path, "an option")) return;
    const mapping map = read_keys(entry, path, &option_keys, "an option");
    read_code(map, option.code);
    read_label(map, "label", option.text);
    read_real(map, "points", option.points);
    read_bool(map, "non_answer", option.non_answer);
    read_bool(map, "positive", option.positive);
  }

  // A code is a string or an integer, kept as written (`1` and "1" are the code "1"); a plain
  // float or boolean is refused rather than silently becoming text.
  void read_code(const mapping& map, std::string& out) {
    const YAML::Node* node = value_of(map, "code", true);
    if (!node) return;
    const std::string path = map.path_of("code");
    if (!expect_scalar(*node, path, "a code (a string or an integer)")) return;
    const std::string& text = node->Scalar();
    if (!is_quoted(*node)) {
      const bool boolean = text == "true" || text == "false";
      const bool integer = parse_integer(text).error == scalar_error::none;
      if (boolean || (!integer && parse_real(text).error == scalar_error::none)) {
        problem(errc::wrong_type, *node, path,
                "expected a code (a string or an integer), got the " + std::string(boolean ? "boolean " : "number ") +
                    text + "; quote it to use it as text");
        return;
      }
    }
    out = text;
  }

  void read_item(const YAML::Node& entry, const std::string& path, questionnaire_item& item) {
    if (!expect_map(entry, path, "an item")) return;
    const mapping map = read_keys(entry, path, &item_keys, "an item");
    read_string(map, "id", item.id, true);
    read_label(map, "text", item.text);
    read_string(map, "scale", item.scale, true);
    read_real(map, "weight", item.weight);
    read_string(map, "dimension", item.dimension);
    read_bool(map, "reverse", item.reverse);
    read_string(map, "column", item.column);
  }

  std::string text_;
  position_index positions_;
  definition_limits limits_;
  std::optional<YAML::Node> root_;  // the first document
  instrument definition_;
  source_map where_;
  std::vector<diagnostic> problems_;
  std::set<std::string, std::less<>> poisoned_;
  mutable std::map<std::string, bool> unreadable_ids_;  // cache of unreadable_ids()
  bool root_failed_ = false;
};

}  // namespace

namespace {

// D008, checked before the text is copied, scanned or read: a size and the limit it passes.
// `size` is exact, or (for a stream) a count already past the limit.
result<loaded_definition> too_large(std::string name, std::uint64_t size, std::uint64_t limit, bool exact = true) {
  diagnostic d;
  d.code = errc::definition_too_large;
  d.message = "the definition is " + std::string(exact ? "" : "at least ") + std::to_string(size) + " bytes, more than the limit of " + std::to_string(limit) +
              " bytes; a questionnaire definition is far smaller (is this the right file?)";
  d.where.file = std::move(name);
  return std::vector<diagnostic>{std::move(d)};
}

}  // namespace

result<loaded_definition> load_definition_from_string(std::string_view yaml_text, std::string name,
                                                      const definition_limits& limits) {
  if (yaml_text.size() > limits.max_bytes) return too_large(std::move(name), yaml_text.size(), limits.max_bytes);
  try {
    return definition_loader(yaml_text, std::move(name), limits).run();
  } catch (const std::exception& e) {  // bad_alloc and the like: still no exception escapes
    diagnostic d;
    d.code = errc::yaml_syntax;
    d.message = std::string("cannot load the definition: ") + e.what();
    return std::vector<diagnostic>{std::move(d)};
  }
}

result<loaded_definition> load_definition_from_string(std::string_view yaml_text, std::string name) {
  return load_definition_from_string(yaml_text, std::move(name), definition_limits{});
}

result<loaded_definition> load_definition(const std::filesystem::path& file, const definition_limits& limits) {
  const std::string name = file.string();
  const auto fail = [&](const std::string& why) {
    diagnostic d;
    d.code = errc::definition_io;
    d.message = "cannot read the definition file: " + why;
    d.where.file = name;
    return result<loaded_definition>(std::vector<diagnostic>{std::move(d)});
  };
  try {
    std::error_code ec;
    const auto status = std::filesystem::status(file, ec);
    if (ec || !std::filesystem::exists(status)) return fail("it does not exist");
    if (std::filesystem::is_directory(status)) return fail("it is a directory");
    // The size comes from stat, before a byte is read; a FIFO or device reports none and is read
    // up to one byte past the limit instead.
    if (std::filesystem::is_regular_file(status)) {
      const std::uintmax_t size = std::filesystem::file_size(file, ec);
      if (!ec && size > limits.max_bytes) return too_large(name, size, limits.max_bytes);
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) return fail("it cannot be opened for reading");
    std::string text;
    char buffer[1 << 16];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
      text.append(buffer, static_cast<std::size_t>(in.gcount()));
      if (text.size() > limits.max_bytes) return too_large(name, text.size(), limits.max_bytes, false);
    }
    if (in.bad()) return fail("a read error occurred");
    return load_definition_from_string(text, name, limits);
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}

result<loaded_definition> load_definition(const std::filesystem::path& file) {
  return load_definition(file, definition_limits{});
}

}  // namespace qscore
