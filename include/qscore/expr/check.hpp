// Checking a definition's formulas together, at load time: parse each one, resolve every name it
// uses, check function names and argument counts, refuse reference cycles, and work out the order
// in which to evaluate them.
//
// Two levels of formula:
//   respondent  one value per respondent (ballot validity, consistency checks, derived scores);
//               evaluated over a batch of respondents
//   unit        one value per evaluated unit (composite totals such as
//               `total = survey + supervision`); evaluated over the units
// A name is usable at a level when it has a value there (known_name says where); a formula is
// usable by formulas of its own level, and by unit formulas too when check_options says that
// respondent-level formulas reach the unit level (as unit means, say: the scorer decides how).
//
// Diagnostics (all of them are reported, each at the line and column of the fault in the file):
//   D040-D042  from parse_expression (syntax, length, depth)
//   D020       two formulas with one name, or a formula named like an item/dimension/component
//   D026       a formula name that is not a name of the language ([A-Za-z_][A-Za-z0-9_.]*, not a
//              keyword or a function name)
//   D043       a name that is no item, dimension, component, variable or formula (with the
//              closest known name, when one is close); a function name used without a call
//   D044       a call to something that is not a function of the language
//   D045       a call with the wrong number of arguments
//   D046       formulas that refer to each other in a cycle, with the path: `a -> b -> a`
//   D047       a name used in a formula of a level where it has no value
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qscore/core/diagnostic.hpp"
#include "qscore/expr/ast.hpp"
#include "qscore/expr/parse.hpp"

namespace qscore::expr {

enum class formula_level : std::uint8_t { respondent, unit };

[[nodiscard]] constexpr std::string_view to_string(formula_level level) noexcept {
  return level == formula_level::respondent ? "respondent" : "unit";
}

// The functions of the language. Arguments are any expressions.
//   mean(x, ...)   mean of the arguments that are not missing (missing if all are)
//   sum(x, ...)    sum of the arguments that are not missing (missing if all are)
//   min(x, ...)    smallest argument that is not missing (missing if all are)
//   max(x, ...)    largest argument that is not missing (missing if all are)
//   count(x, ...)  how many arguments are not missing (never missing)
//   answered(x, ...)  the same as count; reads well over items: answered(q01, q02)
//   missing(x)     1 when x is missing, else 0 (never missing)
//   if(c, a, b)    a where c is true (non-zero), b where c is false, missing where c is
// The bare name `answered` (no parentheses) is a variable, not this function: the number of
// items the respondent answered (see standard_names()).
struct function_info {
  std::string_view name;
  std::size_t min_args = 0;
  std::size_t max_args = 0;  // SIZE_MAX: no upper bound
  std::string_view usage;    // for messages: "mean(x, ...)"
};

inline constexpr std::size_t any_number = static_cast<std::size_t>(-1);

inline constexpr std::array<function_info, 8> functions{{
    {"mean", 1, any_number, "mean(x, ...)"},
    {"sum", 1, any_number, "sum(x, ...)"},
    {"min", 1, any_number, "min(x, ...)"},
    {"max", 1, any_number, "max(x, ...)"},
    {"count", 1, any_number, "count(x, ...)"},
    {"answered", 1, any_number, "answered(x, ...)"},
    {"missing", 1, 1, "missing(x)"},
    {"if", 3, 3, "if(condition, then, else)"},
}};

// nullptr when `name` is not a function of the language.
[[nodiscard]] const function_info* find_function(std::string_view name) noexcept;

enum class name_kind : std::uint8_t {
  item,       // points earned on an item (respondent level)
  dimension,  // a dimension's score (respondent or unit level)
  component,  // a unit-level input: a component of the total, a count of complaints, ...
  variable,   // a value the scorer provides, such as `answered`
};

[[nodiscard]] constexpr std::string_view to_string(name_kind kind) noexcept {
  switch (kind) {
    case name_kind::item: return "item";
    case name_kind::dimension: return "dimension";
    case name_kind::component: return "component";
    case name_kind::variable: return "variable";
  }
  return "name";
}

// A name formulas may use, other than another formula.
struct known_name {
  std::string name;
  name_kind kind = name_kind::item;
  bool respondent_level = true;  // has a value per respondent
  bool unit_level = false;       // has a value per unit
};

// The usual table: items (respondent level), dimensions (both levels), components (unit level)
// and the variable `answered` (respondent level: the number of items answered).
[[nodiscard]] std::vector<known_name> standard_names(std::span<const std::string> items,
                                                     std::span<const std::string> dimensions,
                                                     std::span<const std::string> components);

// One formula as the definition gives it.
struct formula_source {
  std::string name;
  std::string text;
  formula_level level = formula_level::respondent;
  source_location origin;   // the first character of `text` in the file (see parse_expression)
  source_location name_at;  // where the name is written (duplicate names point at it)
  std::string path;         // document path of the formula text, e.g. /formulas/2/formula
  std::string name_path;    // document path of the name, e.g. /formulas/2/name
};

struct check_options {
  expr_limits limits;
  // Whether unit-level formulas may use respondent-level formulas by name.
  bool respondent_formulas_at_unit_level = false;
};

struct checked_formula {
  std::string name;
  formula_level level = formula_level::respondent;
  expression tree;
  std::vector<std::string> formulas_used;  // other formulas it refers to, in order of first use
  std::vector<std::string> names_used;     // known names it refers to, in order of first use
};

struct checked_formulas {
  std::vector<checked_formula> formulas;  // in the order given
  // Evaluation order: indices into `formulas`, each formula after every formula it uses (and,
  // among independent formulas, in the order given).
  std::vector<std::size_t> order;

  // nullptr when there is no formula of that name.
  [[nodiscard]] const checked_formula* find(std::string_view name) const noexcept {
    for (const auto& f : formulas)
      if (f.name == name) return &f;
    return nullptr;
  }
};

// Checks all the formulas together. Fails with every diagnostic found (see the top of this
// file); on success the result holds each formula's tree and the evaluation order.
[[nodiscard]] result<checked_formulas> check_formulas(std::span<const formula_source> formulas,
                                                      std::span<const known_name> known,
                                                      const check_options& options = {});

}  // namespace qscore::expr

#include "qscore/expr/impl/check_inl.hpp"
