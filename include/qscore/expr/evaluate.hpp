// Evaluating formulas over a batch: every tree node is one whole-array Eigen expression over all
// the rows at once (respondents of a batch, or units), not a per-row interpreter loop.
//
// Values and missing. A value is a column of doubles plus an explicit missing mask; where a row
// is missing its double is 0, so a missing value never carries a NaN into a sum. Missing
// propagates explicitly:
//   - a name takes the environment's column; a row the environment marks missing, or whose value
//     is not finite (NaN, inf), is missing. For items the scorer gives the points earned, with
//     blanks and non-answers ("don't know") missing.
//   - arithmetic (+ - * / and unary -) is missing when an operand is. Division by zero is
//     missing, and counted (see evaluation::division_by_zero). A result that overflows to an
//     infinity is missing.
//   - comparisons give 1 or 0, and are missing when an operand is.
//   - and, or, not give 1 or 0 and use three-valued logic, as SQL does (true = not 0):
//       false and missing = false     true and missing = missing
//       true or missing = true        false or missing = missing       not missing = missing
//   - mean, sum, min, max take the arguments that are not missing; missing only if all are.
//   - count(x, ...) and answered(x, ...) count the arguments that are not missing;
//     missing(x) is 1 when x is missing, else 0. None of them is ever missing.
//   - if(c, a, b) takes a where c is true and b where c is false, row by row; missing where c
//     is missing.
//
// Division by zero is counted per row: a row counts once when a division by zero happened in any
// part of the formula that its value depends on: every operand and argument, except the branch
// of if() that the row did not take (so `if(n > 0, x / n, 0)` counts nothing).
//
// The environment gives the columns for names. It is abstract so that one evaluator serves both
// levels: over a batch of respondents (items, `answered`, respondent-level formulas) and over
// units (components, dimension scores, unit-level formulas), one row per unit.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qscore/core/diagnostic.hpp"
#include "qscore/expr/ast.hpp"
#include "qscore/expr/check.hpp"

namespace qscore::expr {

using mask = Eigen::Array<bool, Eigen::Dynamic, 1>;

// One value per row. values(i) == 0 wherever missing(i).
struct column {
  Eigen::ArrayXd values;
  mask missing;

  [[nodiscard]] Eigen::Index rows() const noexcept { return values.size(); }
  // Whether row i has a value.
  [[nodiscard]] bool has(Eigen::Index i) const { return !missing(i); }
};

// A read-only view of a column held elsewhere (for instance a column of the scorer's points
// matrix): environment::rows() values, and as many missing flags, or none when `missing` is null
// (then only non-finite values are missing).
struct column_view {
  const double* values = nullptr;
  const bool* missing = nullptr;
};

class environment {
 public:
  environment() = default;
  environment(const environment&) = default;
  environment& operator=(const environment&) = default;
  virtual ~environment() = default;

  // The number of rows every column has.
  [[nodiscard]] virtual Eigen::Index rows() const = 0;
  // The column for `name`, or nullopt when the name has no value here.
  [[nodiscard]] virtual std::optional<column_view> find(std::string_view name) const = 0;
};

// An environment that owns its columns: for tests, for unit-level inputs, for small batches.
class table_environment final : public environment {
 public:
  explicit table_environment(Eigen::Index rows) : rows_(rows) {}

  // Adds or replaces a column. Throws std::length_error when its length is not rows().
  void set(std::string name, column values);
  // A column with nothing missing but its non-finite values.
  void set(std::string name, const Eigen::ArrayXd& values);

  [[nodiscard]] Eigen::Index rows() const override { return rows_; }
  [[nodiscard]] std::optional<column_view> find(std::string_view name) const override;

 private:
  Eigen::Index rows_ = 0;
  std::map<std::string, column, std::less<>> columns_;
};

struct evaluation {
  column value;
  // Rows where a division by zero made (part of) the value missing; see the top of this file.
  std::int64_t division_by_zero = 0;
};

// Evaluates one tree over env.rows() rows. Fails (D043, D044, D045) only when the tree uses a
// name the environment does not have, or a function the language does not have or with the
// wrong number of arguments: check_formulas() rules both out for a checked definition.
[[nodiscard]] result<evaluation> evaluate(const expression& formula, const environment& env);

// Evaluates every formula of `level`, in checked.order, each seeing the formulas evaluated before
// it by name (before falling back to `inputs`). The result has one entry per checked formula,
// in checked.formulas order; formulas of the other level are left empty (0 rows).
[[nodiscard]] result<std::vector<evaluation>> evaluate_formulas(const checked_formulas& checked,
                                                                formula_level level,
                                                                const environment& inputs);

}  // namespace qscore::expr

#include "qscore/expr/impl/evaluate_inl.hpp"
