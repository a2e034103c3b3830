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
  // Definition: limits and refusals of the YAML guard (definition/limits.hpp).
  definition_too_large = 8,  // D008 the file is larger than definition_limits::max_bytes
  definition_too_deep = 9,   // D009 sequences and mappings nested deeper than max_depth
  too_many_nodes = 10,       // D010 more YAML nodes than max_nodes
  scalar_too_long = 11,      // D011 one scalar longer than max_scalar_bytes
  yaml_alias = 12,           // D012 an anchor, alias or merge key (refused: a definition needs none)
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
  // Definition: the composite scorecard (scorecard/check.hpp).
  scorecard_points = 50,       // D050 component points do not add up to the scorecard's points
  scorecard_component = 51,    // D051 a component's input kind and its keys do not fit together
  scorecard_deduction = 52,    // D052 a deduction rule that is negative, not finite or repeated
  scorecard_reference = 53,    // D053 total or tie_break names no unit-level value
  scorecard_bands = 54,        // D054 bands not strictly descending, or none reaching 0
  // Response file.
  file_io = 101,               // F101 cannot open or read the responses file
  missing_column = 102,        // F102 the header lacks a column the definition needs
  duplicate_column = 103,      // F103 the header names one column twice
  unsupported_encoding = 104,  // F104 UTF-16/32 or another encoding that is not UTF-8
  empty_file = 105,            // F105 no header line at all
  invalid_utf8 = 106,          // F106 bytes that are not UTF-8 (and no --encoding was given)
  undecodable_bytes = 107,     // F107 bytes that are not valid in the declared encoding
  // Report files read back for comparison (io/read_report.hpp, compare/compare.hpp).
  report_unreadable = 116,     // F116 a report file cannot be read, or is not valid JSON
  not_a_report = 117,          // F117 valid JSON, but not a qscore JSON report
  report_field = 118,          // F118 a report field missing, of the wrong type or out of range
  reports_differ = 119,        // F119 two reports of different questionnaires (an error), or of
                               //      different versions or points (a warning)
  // Scorecard input files (scorecard/inputs.hpp).
  input_io = 111,              // F111 an input file missing, unreadable, not UTF-8 or empty
  input_header = 112,          // F112 an input file's header lacks a column or repeats one
  input_unknown_unit = 113,    // F113 a row names a unit the definition does not declare
  input_duplicate = 114,       // F114 a second row for one unit where one is allowed
  input_value = 115,           // F115 a bad number, a value out of range, a wrong field count,
                               //      or a complaint no deduction rule covers
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
  check_failed = 220,       // R220 a consistency check with action reject failed on the row
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
