// check_formulas(): name resolution, functions and arity, levels, cycles with their path, the
// evaluation order, and that every problem is reported at its own line and column.
#include "qscore/expr/check.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace qscore;
using namespace qscore::expr;

const std::vector<std::string> items{"q01", "q02", "q03", "q04", "q05", "q06"};
const std::vector<std::string> dimensions{"service", "facilities"};
const std::vector<std::string> components{"survey", "complaints", "escalated"};

std::vector<known_name> names() { return standard_names(items, dimensions, components); }

// Formula i starts on line 10 + i, column 14 (as after "    formula: ").
formula_source formula(std::string name, std::string text,
                       formula_level level = formula_level::respondent, std::int64_t line = 10) {
  formula_source f;
  f.name = std::move(name);
  f.text = std::move(text);
  f.level = level;
  f.origin = {"def.yaml", line, 14};
  f.name_at = {"def.yaml", line - 1, 11};
  f.path = "/formulas/" + std::to_string(line - 10) + "/formula";
  return f;
}

std::vector<std::string> messages(const result<checked_formulas>& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics()) out.push_back(d.to_string());
  return out;
}

TEST(expr_check, resolves_the_issues_examples_and_orders_them) {
  const std::vector<formula_source> formulas{
      formula("total", "survey + supervision", formula_level::unit, 10),
      formula("service_score", "mean(q01, q02, q03)", formula_level::respondent, 11),
      formula("valid", "answered >= 6", formula_level::respondent, 12),
      formula("q05_needs_q04_blank", "missing(q04) or missing(q05)", formula_level::respondent, 13),
      formula("supervision", "max(0, 20 - 0.5*complaints - 1*escalated)", formula_level::unit, 14),
      formula("weighted", "0.6 * service_score + 0.4 * facilities", formula_level::respondent, 15),
  };
  const result<checked_formulas> r = check_formulas(formulas, names());
  ASSERT_TRUE(r.has_value()) << testing::PrintToString(messages(r));
  const checked_formulas& c = *r;
  ASSERT_EQ(c.formulas.size(), 6U);
  // Depth-first in the order given: total needs supervision first; weighted needs service_score,
  // which is already placed.
  EXPECT_EQ(c.order, (std::vector<std::size_t>{4, 0, 1, 2, 3, 5}));
  EXPECT_EQ(c.formulas[0].formulas_used, (std::vector<std::string>{"supervision"}));
  EXPECT_EQ(c.formulas[0].names_used, (std::vector<std::string>{"survey"}));
  EXPECT_EQ(c.formulas[1].names_used, (std::vector<std::string>{"q01", "q02", "q03"}));
  EXPECT_EQ(c.formulas[2].names_used, (std::vector<std::string>{"answered"}));
  EXPECT_EQ(c.formulas[4].names_used, (std::vector<std::string>{"complaints", "escalated"}));
  EXPECT_EQ(c.formulas[5].formulas_used, (std::vector<std::string>{"service_score"}));
  EXPECT_EQ(c.formulas[5].names_used, (std::vector<std::string>{"facilities"}));
  ASSERT_NE(c.find("supervision"), nullptr);
  EXPECT_EQ(to_string(c.find("supervision")->tree),
            "max(0, ((20 - (0.5 * complaints)) - (1 * escalated)))");
  EXPECT_EQ(c.find("nope"), nullptr);
}

TEST(expr_check, order_puts_dependencies_first) {
  const std::vector<formula_source> formulas{
      formula("c", "b + a", formula_level::respondent, 10),
      formula("b", "a * 2", formula_level::respondent, 11),
      formula("a", "q01", formula_level::respondent, 12),
      formula("d", "q02", formula_level::respondent, 13),
  };
  const result<checked_formulas> r = check_formulas(formulas, names());
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->order, (std::vector<std::size_t>{2, 1, 0, 3}));
  EXPECT_EQ(r->formulas[0].formulas_used, (std::vector<std::string>{"b", "a"}));
}

TEST(expr_check, unknown_names) {
  // "mean(q01, q2)": q2 at byte 10, column 24. "servise + 1": byte 0. "qqqqq": nothing close.
  // "mean + 1": a function named without a call.
  const std::vector<formula_source> formulas{
      formula("x", "mean(q01, q2)", formula_level::respondent, 10),
      formula("y", "servise + 1", formula_level::respondent, 11),
      formula("z", "1 + qqqqq", formula_level::respondent, 12),
      formula("w", "mean + 1", formula_level::respondent, 13),
  };
  const result<checked_formulas> r = check_formulas(formulas, names());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(messages(r),
            (std::vector<std::string>{
                "def.yaml:10:24: error[D043] unknown name 'q2' (did you mean 'q02'?) (at /formulas/0/formula)",
                "def.yaml:11:14: error[D043] unknown name 'servise' (did you mean 'service'?) (at /formulas/1/formula)",
                "def.yaml:12:18: error[D043] unknown name 'qqqqq': not an item, dimension, component or formula (at /formulas/2/formula)",
                "def.yaml:13:14: error[D043] 'mean' is a function: call it as mean(x, ...) (at /formulas/3/formula)",
            }));
}

TEST(expr_check, functions_and_arity) {
  const std::vector<formula_source> formulas{
      formula("a", "mean()", formula_level::respondent, 10),
      formula("b", "if(q01, q02, q03, q04)", formula_level::respondent, 11),
      formula("c", "1 + median(q01, q02)", formula_level::respondent, 12),
      formula("d", "q01(2)", formula_level::respondent, 13),
      formula("e", "maxx(q01)", formula_level::respondent, 14),
      formula("g", "average(q01)", formula_level::respondent, 16),
      formula("f", "count(q01) + answered(q02, q03) + missing(q04) + sum(q05) + min(1) + max(2)",
              formula_level::respondent, 15),
  };
  const result<checked_formulas> r = check_formulas(formulas, names());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(messages(r),
            (std::vector<std::string>{
                "def.yaml:10:14: error[D045] mean() takes at least 1 argument, given 0: mean(x, ...) (at /formulas/0/formula)",
                "def.yaml:11:14: error[D045] if() takes 3 arguments, given 4: if(condition, then, else) (at /formulas/1/formula)",
                "def.yaml:12:18: error[D044] unknown function 'median' (did you mean 'mean'?) (at /formulas/2/formula)",
                "def.yaml:13:14: error[D044] 'q01' is not a function: write it without parentheses (at /formulas/3/formula)",
                "def.yaml:14:14: error[D044] unknown function 'maxx' (did you mean 'max'?) (at /formulas/4/formula)",
                "def.yaml:16:14: error[D044] unknown function 'average'; the functions are mean, sum, min, max, count, answered, missing, if (at /formulas/6/formula)",
            }));
}

TEST(expr_check, cycles_are_refused_with_their_path) {
  // a -> b -> a, self -> self, and d, which depends on the cycle without being in it.
  const std::vector<formula_source> formulas{
      formula("a", "q01 + b", formula_level::respondent, 10),
      formula("b", "2 * a", formula_level::respondent, 11),
      formula("self", "self + 1", formula_level::respondent, 12),
      formula("d", "a + b", formula_level::respondent, 13),
  };
  const result<checked_formulas> r = check_formulas(formulas, names());
  ASSERT_FALSE(r.has_value());
  // Each cycle once, at the first reference along it: in a, 'b' is byte 6 (column 20).
  EXPECT_EQ(messages(r),
            (std::vector<std::string>{
                "def.yaml:10:20: error[D046] formulas refer to each other in a cycle: a -> b -> a (at /formulas/0/formula)",
                "def.yaml:12:14: error[D046] formulas refer to each other in a cycle: self -> self (at /formulas/2/formula)",
            }));
}

TEST(expr_check, levels) {
  const std::vector<formula_source> formulas{
      formula("r", "q01 + complaints", formula_level::respondent, 10),
      formula("u", "survey + q01 + service", formula_level::unit, 11),
      formula("v", "r * 2", formula_level::unit, 12),
      formula("w", "v", formula_level::respondent, 13),
  };
  const result<checked_formulas> r = check_formulas(formulas, names());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(messages(r),
            (std::vector<std::string>{
                "def.yaml:10:20: error[D047] 'complaints' is a component with no value per respondent: respondent-level formula 'r' cannot use it (at /formulas/0/formula)",
                "def.yaml:11:23: error[D047] 'q01' is an item with no value per unit: unit-level formula 'u' cannot use it (at /formulas/1/formula)",
                "def.yaml:12:14: error[D047] 'r' is a respondent-level formula: unit-level formula 'v' cannot use it (at /formulas/2/formula)",
                "def.yaml:13:14: error[D047] 'v' is a unit-level formula: respondent-level formula 'w' cannot use it (at /formulas/3/formula)",
            }));
  // When the scorer carries respondent formulas up to units, a unit formula may use them.
  check_options up;
  up.respondent_formulas_at_unit_level = true;
  const std::vector<formula_source> ok{formula("r", "q01 * 2", formula_level::respondent, 10),
                                       formula("v", "r + survey", formula_level::unit, 11)};
  const result<checked_formulas> checked = check_formulas(ok, names(), up);
  ASSERT_TRUE(checked.has_value());
  EXPECT_EQ(checked->order, (std::vector<std::size_t>{0, 1}));
}

TEST(expr_check, formula_names) {
  std::vector<formula_source> formulas{
      formula("my score", "1", formula_level::respondent, 10),
      formula("and", "1", formula_level::respondent, 11),
      formula("service", "1", formula_level::respondent, 12),
      formula("ok", "1", formula_level::respondent, 13),
      formula("ok", "2", formula_level::respondent, 14),
  };
  formulas[1].name_path = "/formulas/1/name";
  const result<checked_formulas> r = check_formulas(formulas, names());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(messages(r),
            (std::vector<std::string>{
                "def.yaml:9:11: error[D026] formula name 'my score' is not a name formulas can use: it must match [A-Za-z_][A-Za-z0-9_.]* and not be and, or, not (at /formulas/0/formula)",
                "def.yaml:10:11: error[D026] formula name 'and' is not a name formulas can use: it must match [A-Za-z_][A-Za-z0-9_.]* and not be and, or, not (at /formulas/1/name)",
                "def.yaml:11:11: error[D020] formula 'service' has the name of a dimension (at /formulas/2/formula)",
                "def.yaml:13:11: error[D020] formula 'ok' is defined twice (first at 12:11) (at /formulas/4/formula)",
            }));
}

TEST(expr_check, reports_every_problem_including_syntax) {
  const std::vector<formula_source> formulas{
      formula("a", "q01 +", formula_level::respondent, 10),
      formula("b", "nope", formula_level::respondent, 11),
      formula("c", std::string(100, '('), formula_level::respondent, 12),
      formula("d", "a + 1", formula_level::respondent, 13),  // a failed to parse: no cascade
  };
  const result<checked_formulas> r = check_formulas(formulas, names());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(messages(r),
            (std::vector<std::string>{
                "def.yaml:10:19: error[D040] expected a number, a name or '(', found end of formula (at /formulas/0/formula)",
                "def.yaml:11:14: error[D043] unknown name 'nope': not an item, dimension, component or formula (at /formulas/1/formula)",
                "def.yaml:12:78: error[D042] formula nests deeper than 64 levels (each '(', call, '-' and 'not' opens one) (at /formulas/2/formula)",
            }));
}

TEST(expr_check, built_in_code_without_positions) {
  formula_source f;
  f.name = "x";
  f.text = "q01 + nope";
  const result<checked_formulas> r = check_formulas(std::vector<formula_source>{f}, names());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(messages(r), (std::vector<std::string>{"error[D043] unknown name 'nope': not an item, "
                                                   "dimension, component or formula"}));
}

TEST(expr_check, function_table) {
  ASSERT_NE(find_function("if"), nullptr);
  EXPECT_EQ(find_function("if")->min_args, 3U);
  EXPECT_EQ(find_function("missing")->max_args, 1U);
  EXPECT_EQ(find_function("answered")->min_args, 1U);
  EXPECT_EQ(find_function("median"), nullptr);
}

}  // namespace
