// What the formula fuzz target checks for one input, shared with the replay test
// (tests/unit/expr_fuzz_replay_test.cpp) so that a committed crash input is checked the same way
// in ordinary CTest runs.
//
// For any bytes, parse_expression() must return (no crash, no exception, no sanitizer report),
// and:
//   - a failure carries diagnostics (one, or one per number out of range), each D040, D041 or
//     D042, at a known position no further into the file than the text reaches;
//   - a success prints (to_string) to a formula that parses back to the same print, unless the
//     print's extra parentheses take it past the limits;
//   - evaluating a parsed formula over a small batch, with every name bound to a column that
//     has missing rows, zeros and negatives, either fails with a diagnostic (unknown function,
//     wrong arity) or gives finite values that are 0 wherever missing.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "qscore/expr/evaluate.hpp"
#include "qscore/expr/parse.hpp"

namespace qscore::fuzz {

// Every name has the same column: 4 rows, one missing, one zero, one negative.
class any_name_environment final : public expr::environment {
 public:
  any_name_environment() {
    values_ << 2.5, 0.0, -3.0, 0.0;
    missing_ << false, false, false, true;
  }
  [[nodiscard]] Eigen::Index rows() const override { return 4; }
  [[nodiscard]] std::optional<expr::column_view> find(std::string_view) const override {
    return expr::column_view{values_.data(), missing_.data()};
  }

 private:
  Eigen::Array4d values_;
  Eigen::Array<bool, 4, 1> missing_;
};

// "" when every property holds, else what went wrong.
inline std::string check_expression_input(std::string_view text) {
  const source_location origin{"fuzz", 3, 5};
  const result<expr::expression> parsed = expr::parse_expression(text, origin);
  if (!parsed) {
    const auto& diagnostics = parsed.diagnostics();
    if (diagnostics.empty()) return "a failed parse without a diagnostic";
    const auto newlines = static_cast<std::int64_t>(std::count(text.begin(), text.end(), '\n'));
    for (const diagnostic& d : diagnostics) {
      if (d.code != errc::formula_syntax && d.code != errc::formula_too_long &&
          d.code != errc::formula_too_deep)
        return "unexpected error id " + error_id(d.code);
      // Lines can only grow from the origin; columns start at 1.
      if (d.where.line < origin.line || d.where.line > origin.line + newlines || d.where.column < 1)
        return "position out of the text: " + d.to_string();
      if (d.message.empty()) return "empty message";
    }
    return {};
  }

  const std::string printed = expr::to_string(*parsed);
  const expr::expr_limits roomy{expr::expr_limits::length_ceiling, expr::expr_limits::depth_ceiling};
  const result<expr::expression> again = expr::parse_expression(printed, origin, roomy);
  if (again) {
    if (expr::to_string(*again) != printed) return "print does not round-trip: " + printed;
  } else if (again.diagnostics().front().code == errc::formula_syntax) {
    return "print does not parse: " + printed + ": " + again.diagnostics().front().to_string();
  }

  const any_name_environment env;
  const result<expr::evaluation> value = expr::evaluate(*parsed, env);
  if (!value) return {};  // unknown function or wrong arity: reported, fine
  const expr::column& c = value->value;
  if (c.rows() != 4 || c.missing.size() != 4) return "wrong number of rows";
  for (Eigen::Index i = 0; i < 4; ++i) {
    if (!std::isfinite(c.values(i))) return "non-finite value in row " + std::to_string(i);
    if (c.missing(i) && c.values(i) != 0.0) return "missing row with a value";
  }
  if (value->division_by_zero < 0 || value->division_by_zero > 4) return "bad division count";
  return {};
}

}  // namespace qscore::fuzz
