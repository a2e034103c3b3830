// Diagnostics: what went wrong, where, and a stable id that scripts can match on.
//
// The library never prints, throws on expected failures, or exits. Every expected failure (a bad
// definition, an unreadable file, a bad row) comes back as a `diagnostic`. The ids below are part
// of the public contract: never renumber them, only append.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace qscore {

// Stable error ids. The letter family says which stage raised it:
//   D = definition (YAML or built in code), F = response file, R = one response row.
enum class errc : std::uint16_t {
  // Definition: structure.
  yaml_syntax = 1,       // D001 the YAML itself does not parse
  unknown_key = 2,       // D002 a key the format does not define
  duplicate_key = 3,     // D003 the same key twice in one mapping
  missing_field = 4,     // D004 a required field is absent
  wrong_type = 5,        // D005 a map where a scalar was expected, etc.
  bad_number = 6,        // D006 a scalar that should be a number is not one
  definition_io = 7,     // D007 the definition file cannot be read
  // Definition: meaning.
  duplicate_id = 20,           // D020 two items/scales/groups/... share an id
  dangling_reference = 21,     // D021 an item names a scale or dimension that does not exist
  invalid_weight = 22,         // D022 a weight that is negative, NaN or infinite
  zero_weight_sum = 23,        // D023 all weights (of items, or of a dimension) are zero
  shares_not_one = 24,         // D024 respondent-group shares do not sum to 1
  weight_budget_mismatch = 25, // D025 item weights do not add up to the declared total
  invalid_value = 26,          // D026 a value outside its allowed range
  duplicate_code = 27,         // D027 two options of a scale share a code or label
  missing_points = 28,         // D028 an option has neither points nor non_answer
  reverse_not_numeric = 29,    // D029 reverse keying on a scale that is not numeric
  no_scored_option = 30,       // D030 a scale whose every option is a non-answer
  column_conflict = 31,        // D031 two roles read the same CSV column
  empty_list = 32,             // D032 no items, no groups, or no options
  // Definition: formulas (expr/parse.hpp, expr/check.hpp).
  formula_syntax = 40,         // D040 a formula does not parse (or a number in it overflows)
  formula_too_long = 41,       // D041 a formula longer than the length limit
  formula_too_deep = 42,       // D042 a formula nested deeper than the depth limit
  unknown_reference = 43,      // D043 a formula names no item, dimension, component or formula
  unknown_function = 44,       // D044 a call to a function the language does not have
  wrong_arity = 45,            // D045 a call with the wrong number of arguments
  reference_cycle = 46,        // D046 formulas that depend on each other in a cycle
  formula_level = 47,          // D047 a name used at a level where it has no value
  // Response file.
  file_io = 101,               // F101 cannot open or read the responses file
  missing_column = 102,        // F102 the header lacks a column the definition needs
  duplicate_column = 103,      // F103 the header names one column twice
  unsupported_encoding = 104,  // F104 UTF-16/32 or another encoding that is not UTF-8
  empty_file = 105,            // F105 no header line at all
  invalid_utf8 = 106,          // F106 bytes that are not UTF-8 (and no --encoding was given)
  undecodable_bytes = 107,     // F107 bytes that are not valid in the declared encoding
  // Response rows.
  field_count = 201,        // R201 the row has more or fewer fields than the header
  unknown_group = 202,      // R202 the group is not one the definition declares
  unknown_unit = 203,       // R203 the unit is not one the definition declares
  invalid_code = 204,       // R204 an answer that is neither a code nor a label of the scale
  invalid_row_weight = 205, // R205 a sampling weight that is not a finite number >= 0
  empty_key = 206,          // R206 the group or unit cell is empty
  unterminated_quote = 207, // R207 a quoted field that never closes
  duplicate_respondent = 208, // R208 a respondent id already seen on an earlier line
  nul_byte = 209,           // R209 the row holds a NUL byte
  record_too_long = 210,    // R210 the row is longer than the reader's byte limit
};

// "D001", "F102", "R204": the form used in messages, the JSON report and the docs.
inline std::string error_id(errc code) {
  const auto value = static_cast<unsigned>(code);
  const char family = value < 100 ? 'D' : value < 200 ? 'F' : 'R';
  std::string digits = std::to_string(value);
  while (digits.size() < 3) digits.insert(digits.begin(), '0');
  return family + digits;
}

// A place in a text file, 1-based. line == 0 means "no position known" (e.g. a definition built
// in code).
struct source_location {
  std::string file;
  std::int64_t line = 0;
  std::int64_t column = 0;

  [[nodiscard]] bool known() const { return line > 0; }
};

enum class severity : std::uint8_t { error, warning };

struct diagnostic {
  errc code = errc::invalid_value;
  qscore::severity level = severity::error;
  std::string message;      // what is wrong, naming the bad value and what was expected
  source_location where;    // file:line:column when known
  std::string path;         // JSON-pointer-like path in the document, e.g. /items/3/weight

  // file:line:column: error[D024] message (at /groups)
  [[nodiscard]] std::string to_string() const {
    std::string out;
    if (!where.file.empty()) out += where.file + ":";
    if (where.known()) out += std::to_string(where.line) + ":" + std::to_string(where.column) + ":";
    if (!out.empty()) out += " ";
    out += level == severity::error ? "error[" : "warning[";
    out += error_id(code) + "] " + message;
    if (!path.empty()) out += " (at " + path + ")";
    return out;
  }
};

[[nodiscard]] inline bool has_errors(const std::vector<diagnostic>& diagnostics) {
  for (const auto& d : diagnostics)
    if (d.level == severity::error) return true;
  return false;
}

// Thrown only by result<T>::value() on a failed result: the opt-in exception path.
class error : public std::runtime_error {
 public:
  explicit error(std::vector<diagnostic> diagnostics)
      : std::runtime_error(diagnostics.empty() ? std::string("qscore error") : diagnostics.front().to_string()),
        diagnostics_(std::move(diagnostics)) {}
  [[nodiscard]] const std::vector<diagnostic>& diagnostics() const noexcept { return diagnostics_; }

 private:
  std::vector<diagnostic> diagnostics_;
};

// Either a value (possibly with warnings) or the diagnostics that prevented it.
// Shaped like std::expected so that it can be swapped for it later.
template <class T>
class [[nodiscard]] result {
 public:
  result(T value, std::vector<diagnostic> warnings = {})  // NOLINT(google-explicit-constructor)
      : value_(std::move(value)), diagnostics_(std::move(warnings)) {}
  result(std::vector<diagnostic> errors)  // NOLINT(google-explicit-constructor)
      : diagnostics_(std::move(errors)) {}

  [[nodiscard]] bool has_value() const noexcept { return value_.has_value(); }
  explicit operator bool() const noexcept { return has_value(); }

  [[nodiscard]] const std::vector<diagnostic>& diagnostics() const noexcept { return diagnostics_; }

  // Throws qscore::error carrying every diagnostic when there is no value.
  T& value() & {
    if (!value_) throw error(diagnostics_);
    return *value_;
  }
  const T& value() const& {
    if (!value_) throw error(diagnostics_);
    return *value_;
  }
  T&& value() && {
    if (!value_) throw error(diagnostics_);
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  std::vector<diagnostic> diagnostics_;
};

}  // namespace qscore
