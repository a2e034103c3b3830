// evaluate(), evaluate_formulas(): values worked out by hand (the arithmetic is beside each
// expectation), explicit missing values, division by zero counted per row, three-valued logic,
// if() per row, and the examples at both levels.
#include "qscore/expr/evaluate.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "qscore/expr/parse.hpp"

namespace {

using namespace qscore;
using namespace qscore::expr;

constexpr double m = std::numeric_limits<double>::quiet_NaN();  // "missing" in the tables below

// A column from values where NaN stands for missing, stored the way the scorer will: the double
// is 0 and the flag is set (no NaN reaches the evaluator through the mask path).
column col(std::vector<double> values) {
  column c;
  const auto n = static_cast<Eigen::Index>(values.size());
  c.values = Eigen::ArrayXd::Zero(n);
  c.missing = mask::Constant(n, false);
  for (Eigen::Index i = 0; i < n; ++i) {
    if (std::isnan(values[static_cast<std::size_t>(i)]))
      c.missing(i) = true;
    else
      c.values(i) = values[static_cast<std::size_t>(i)];
  }
  return c;
}

// The result as doubles, NaN where missing; also checks that no missing row carries anything
// but 0 and that no value is NaN or infinite.
std::vector<double> as_vector(const column& c) {
  std::vector<double> out;
  for (Eigen::Index i = 0; i < c.rows(); ++i) {
    EXPECT_TRUE(std::isfinite(c.values(i))) << "row " << i;
    if (c.missing(i)) {
      EXPECT_EQ(c.values(i), 0.0) << "row " << i;
      out.push_back(m);
    } else {
      out.push_back(c.values(i));
    }
  }
  return out;
}

void expect_column(const column& actual, const std::vector<double>& expected, const std::string& what) {
  const std::vector<double> got = as_vector(actual);
  ASSERT_EQ(got.size(), expected.size()) << what;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(expected[i]))
      EXPECT_TRUE(std::isnan(got[i])) << what << " row " << i << ": expected missing, got " << got[i];
    else
      EXPECT_DOUBLE_EQ(got[i], expected[i]) << what << " row " << i;
  }
}

evaluation run(std::string_view text, const environment& env) {
  const expression tree = parse_expression(text, source_location{}).value();
  return evaluate(tree, env).value();
}

void expect_values(std::string_view text, const environment& env, const std::vector<double>& expected,
                   std::int64_t division_by_zero = 0) {
  const evaluation e = run(text, env);
  expect_column(e.value, expected, std::string(text));
  EXPECT_EQ(e.division_by_zero, division_by_zero) << text;
}

// Four respondents; points per item, blank or "don't know" = missing.
table_environment respondents() {
  table_environment env(4);
  env.set("q01", col({100, 75, m, 50}));
  env.set("q02", col({50, m, m, 25}));
  env.set("q03", col({75, 25, m, m}));
  env.set("q04", col({1, m, 3, m}));
  env.set("q05", col({m, 2, 4, m}));
  env.set("answered", col({6, 5, 0, 7}));
  return env;
}

TEST(expr_evaluate, mean_and_friends_over_partially_missing_arguments) {
  const table_environment env = respondents();
  // row 0: (100 + 50 + 75) / 3 = 75; row 1: (75 + 25) / 2 = 50; row 2: all missing;
  // row 3: (50 + 25) / 2 = 37.5
  expect_values("mean(q01, q02, q03)", env, {75, 50, m, 37.5});
  expect_values("sum(q01, q02, q03)", env, {225, 100, m, 75});
  expect_values("min(q01, q02, q03)", env, {50, 25, m, 25});
  expect_values("max(q01, q02, q03)", env, {100, 75, m, 50});
  expect_values("count(q01, q02, q03)", env, {3, 2, 0, 2});
  expect_values("answered(q01, q02, q03)", env, {3, 2, 0, 2});
  expect_values("mean(q02)", env, {50, m, m, 25});
}

TEST(expr_evaluate, ballot_validity_and_consistency) {
  const table_environment env = respondents();
  expect_values("answered >= 6", env, {1, 0, 0, 1});
  // "q05 requires q04 to be blank": at least one of them blank.
  expect_values("missing(q04) or missing(q05)", env, {1, 1, 0, 1});
  expect_values("missing(q01)", env, {0, 0, 1, 0});
}

TEST(expr_evaluate, missing_propagates_through_arithmetic_and_comparisons) {
  const table_environment env = respondents();
  expect_values("q01 + q02", env, {150, m, m, 75});
  expect_values("q01 - q02 * 2", env, {0, m, m, 0});
  expect_values("-q03", env, {-75, -25, m, m});
  expect_values("q01 >= 75", env, {1, 1, m, 0});
  expect_values("q01 == 75", env, {0, 1, m, 0});
  expect_values("q01 != q03", env, {1, 1, m, m});
  expect_values("not q04", env, {0, m, 0, m});
  expect_values("0.6 * q01 + 0.4 * q03", env, {90, 55, m, m});  // 60 + 30; 45 + 10
}

TEST(expr_evaluate, if_picks_per_row) {
  const table_environment env = respondents();
  // row 0: 100 >= 75 -> q01 = 100; row 1: 75 >= 75 -> 75; row 2: condition missing;
  // row 3: 50 < 75 -> q02 = 25
  expect_values("if(q01 >= 75, q01, q02)", env, {100, 75, m, 25});
  // The branch taken may itself be missing: row 1 takes q02, which is blank.
  expect_values("if(q01 > 80, q01, q02)", env, {100, m, m, 25});
}

TEST(expr_evaluate, division_by_zero_is_missing_and_counted) {
  table_environment env(5);
  env.set("n", col({10, 5, 0, 1, m}));
  env.set("d", col({2, 0, 0, m, 4}));
  // row 0: 10 / 2 = 5; rows 1, 2: division by zero (counted); row 3: d missing (not counted);
  // row 4: n missing (not counted, though d is not 0 anyway)
  expect_values("n / d", env, {5, m, m, m, m}, 2);
  // A guarded division counts nothing: rows 1 and 2 take the other branch.
  expect_values("if(d != 0, n / d, -1)", env, {5, -1, -1, m, m}, 0);
  // A division by zero inside an argument that mean() skips still counts.
  expect_values("mean(n / d, 1)", env, {3, 1, 1, 1, 1}, 2);  // row 0: (5 + 1) / 2
  expect_values("missing(n / d)", env, {0, 1, 1, 1, 1}, 2);
  // Counted once per row, however many divisions by zero the row had.
  expect_values("n / d + 1 / d", env, {5.5, m, m, m, m}, 2);
  expect_values("n / 0", env, {m, m, m, m, m}, 4);  // row 4: n is missing
  expect_values("0 / 0", env, {m, m, m, m, m}, 5);
}

TEST(expr_evaluate, three_valued_logic) {
  // Every pair of true (1), false (0) and missing.
  table_environment env(9);
  env.set("a", col({1, 1, 1, 0, 0, 0, m, m, m}));
  env.set("b", col({1, 0, m, 1, 0, m, 1, 0, m}));
  expect_values("a and b", env, {1, 0, m, 0, 0, 0, m, 0, m});
  expect_values("a or b", env, {1, 1, 1, 1, 0, m, 1, m, m});
  expect_values("not a", env, {0, 0, 0, 1, 1, 1, m, m, m});
  // Any non-zero value is true.
  table_environment values(3);
  values.set("x", col({2.5, -1, 0}));
  expect_values("x and 1", values, {1, 1, 0});
  expect_values("x or 0", values, {1, 1, 0});
}

TEST(expr_evaluate, non_finite_values_never_leak) {
  table_environment env(3);
  const double inf = std::numeric_limits<double>::infinity();
  Eigen::ArrayXd raw(3);
  raw << 1.0, std::numeric_limits<double>::quiet_NaN(), inf;
  env.set("x", raw);  // no mask: NaN and inf count as missing
  expect_values("x", env, {1, m, m});
  expect_values("sum(x, 1)", env, {2, 1, 1});
  // An overflow is missing, not an infinity.
  expect_values("1e308 * 10 + x", env, {m, m, m});
  expect_values("max(1e308 * 10, 3)", env, {3, 3, 3});
}

TEST(expr_evaluate, unit_level_composites) {
  // One row per unit. supervision = max(0, 20 - 0.5*complaints - 1*escalated):
  //   unit 0: 20 - 0 - 0 = 20
  //   unit 1: 20 - 5 - 2 = 13
  //   unit 2: 20 - 25 - 1 = -6 -> the floor, 0
  //   unit 3: 20 - 1.5 - 1.5 = 17
  //   unit 4: complaints unknown -> the difference is missing, and max() of the rest is 0
  table_environment units(5);
  units.set("complaints", col({0, 10, 50, 3, m}));
  units.set("escalated", col({0, 2, 1, 1.5, 0}));
  units.set("survey", col({70, 65.5, 80, 60, 50}));
  expect_values("max(0, 20 - 0.5*complaints - 1*escalated)", units, {20, 13, 0, 17, 0});
  expect_values("20 - 0.5*complaints - 1*escalated", units, {20, 13, -6, 17, m});
}

TEST(expr_evaluate, formulas_in_order_at_both_levels) {
  const std::vector<std::string> items{"q01", "q02", "q03", "q04", "q05"};
  const std::vector<std::string> dimensions{};
  const std::vector<std::string> components{"survey", "complaints", "escalated"};
  auto source = [](std::string name, std::string text, formula_level level) {
    formula_source f;
    f.name = std::move(name);
    f.text = std::move(text);
    f.level = level;
    return f;
  };
  const std::vector<formula_source> formulas{
      source("total", "survey + supervision", formula_level::unit),
      source("valid", "answered >= 6", formula_level::respondent),
      source("service", "mean(q01, q02, q03)", formula_level::respondent),
      source("supervision", "max(0, 20 - 0.5*complaints - 1*escalated)", formula_level::unit),
      source("good_service", "valid and service >= 60", formula_level::respondent),
  };
  const checked_formulas checked =
      check_formulas(formulas, standard_names(items, dimensions, components)).value();

  const table_environment batch = respondents();
  const std::vector<evaluation> per_respondent =
      evaluate_formulas(checked, formula_level::respondent, batch).value();
  ASSERT_EQ(per_respondent.size(), 5U);
  EXPECT_EQ(per_respondent[0].value.rows(), 0);  // unit level: not evaluated here
  expect_column(per_respondent[1].value, {1, 0, 0, 1}, "valid");
  expect_column(per_respondent[2].value, {75, 50, m, 37.5}, "service");
  // valid and service >= 60: row 0 true and true; row 1 false; row 2 false and missing = false;
  // row 3 true and false
  expect_column(per_respondent[4].value, {1, 0, 0, 0}, "good_service");

  table_environment units(3);
  units.set("complaints", col({0, 10, 50}));
  units.set("escalated", col({0, 2, 1}));
  units.set("survey", col({70, 65.5, 80}));
  const std::vector<evaluation> per_unit = evaluate_formulas(checked, formula_level::unit, units).value();
  expect_column(per_unit[3].value, {20, 13, 0}, "supervision");
  expect_column(per_unit[0].value, {90, 78.5, 80}, "total");  // 70 + 20; 65.5 + 13; 80 + 0
}

TEST(expr_evaluate, unknown_names_and_functions_fail_cleanly) {
  const table_environment env = respondents();
  const expression tree = parse_expression("q01 + nope", source_location{}).value();
  const result<evaluation> r = evaluate(tree, env);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.diagnostics().at(0).code, errc::unknown_reference);
  const result<evaluation> f = evaluate(parse_expression("median(q01)", source_location{}).value(), env);
  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.diagnostics().at(0).code, errc::unknown_function);
  const result<evaluation> a = evaluate(parse_expression("if(q01, q02)", source_location{}).value(), env);
  ASSERT_FALSE(a.has_value());
  EXPECT_EQ(a.diagnostics().at(0).code, errc::wrong_arity);
}

TEST(expr_evaluate, table_environment_checks_lengths) {
  table_environment env(3);
  EXPECT_THROW(env.set("x", col({1, 2})), std::length_error);
  EXPECT_FALSE(env.find("x").has_value());
  env.set("x", col({1, 2, 3}));
  EXPECT_TRUE(env.find("x").has_value());
}

TEST(expr_evaluate, the_longest_chain_walks_without_recursion) {
  // x - x - ... - x with 8,192 terms (the length ceiling): 1 - 8,191 * 1 = -8,190. The tree is
  // 8,191 levels deep; check_formulas() and evaluate() walk it with explicit stacks.
  std::string chain = "x";
  while (chain.size() + 2 <= expr_limits::length_ceiling) chain += "-x";
  formula_source f;
  f.name = "long";
  f.text = chain;
  check_options options;
  options.limits.max_length = expr_limits::length_ceiling;
  const std::vector<known_name> known{{"x", name_kind::item, true, false}};
  const checked_formulas checked =
      check_formulas(std::vector<formula_source>{f}, known, options).value();
  table_environment env(2);
  env.set("x", col({1, m}));
  const std::vector<evaluation> values =
      evaluate_formulas(checked, formula_level::respondent, env).value();
  expect_column(values[0].value, {-8190, m}, "long chain");
}

TEST(expr_evaluate, empty_batch) {
  const table_environment env(0);
  const evaluation e = run("mean(1, 2) / 0", env);
  EXPECT_EQ(e.value.rows(), 0);
  EXPECT_EQ(e.division_by_zero, 0);
}

}  // namespace
