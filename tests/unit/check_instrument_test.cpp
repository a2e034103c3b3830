// check_instrument(): each semantic rule on a definition built in code (no source map, so the
// diagnostics carry a path and no position).
// Suite names are lower case so that `ctest -R 'load|check|golden'` selects these tests.
#include "qscore/model/check.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "support/small_appraisal.hpp"

namespace {

using namespace qscore;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

std::vector<std::string> lines(const std::vector<diagnostic>& diagnostics) {
  std::vector<std::string> out;
  for (const auto& d : diagnostics) out.push_back(d.to_string());
  return out;
}

std::vector<std::string> check(const instrument& def) { return lines(check_instrument(def)); }

using strings = std::vector<std::string>;

answer_scale likert(const std::string& id = "agree5") {
  answer_scale scale;
  scale.id = id;
  scale.kind = scale_kind::numeric;
  scale.min = 1;
  scale.max = 5;
  return scale;
}

TEST(check_instrument, ValidDefinitionHasNoDiagnostics) {
  EXPECT_EQ(check(fixtures::small_appraisal()), strings{});
  instrument def = fixtures::small_appraisal();
  def.scales.push_back(likert());
  def.scales.back().positive_from = 4;
  def.scales.back().options.push_back({"9", label("Don't know"), std::nullopt, true, false});
  def.items.push_back({"q4", label("Item 4"), "agree5", 0.0, "", true, "Q4_raw"});
  def.weight_total = 4.0;
  def.columns.weight = "w";
  def.ranking.decimals = 0;
  def.ranking.min_valid = 0;
  def.ballot.min_answered = 1.0;
  EXPECT_EQ(check(def), strings{});
}

TEST(check_instrument, DiagnosticsWithoutSourceMapCarryThePathOnly) {
  instrument def = fixtures::small_appraisal();
  def.items[1].weight = -2.0;
  const auto diagnostics = check_instrument(def);
  ASSERT_EQ(diagnostics.size(), 1U);
  EXPECT_EQ(diagnostics[0].code, errc::invalid_weight);
  EXPECT_EQ(diagnostics[0].path, "/items/1/weight");
  EXPECT_FALSE(diagnostics[0].where.known());
  EXPECT_TRUE(diagnostics[0].where.file.empty());
  EXPECT_EQ(diagnostics[0].to_string(),
            "error[D022] item weight -2 is not allowed, expected a finite number >= 0 (at /items/1/weight)");
}

TEST(check_instrument, SourceMapGivesPositionsFallingBackToAncestors) {
  instrument def = fixtures::small_appraisal();
  def.items[1].weight = -2.0;
  def.groups[0].share = 0.5;
  source_map where;
  where["/items/1"] = source_location{"d.yaml", 7, 5};
  where["/groups"] = source_location{"d.yaml", 12, 3};
  EXPECT_EQ(lines(check_instrument(def, where)),
            (strings{"d.yaml:7:5: error[D022] item weight -2 is not allowed, expected a finite number >= 0 (at /items/1/weight)",
                     "d.yaml:12:3: error[D024] group shares sum to 0.9, expected 1 (±1e-9) (at /groups)"}));
}

TEST(check_instrument, D004EmptyIds) {
  instrument def = fixtures::small_appraisal();
  def.id.clear();
  def.scales[0].options[1].code.clear();
  def.items[2].scale.clear();
  def.units[1].id.clear();
  EXPECT_EQ(check(def), (strings{
                            "error[D004] definition id is empty, expected a non-empty id (at /id)",
                            "error[D004] option code is empty, expected a non-empty code (at /scales/0/options/1/code)",
                            "error[D004] item 'q3' names no scale, expected a scale id (at /items/2/scale)",
                            "error[D004] unit id is empty, expected a non-empty id (at /units/1/id)",
                        }));
}

TEST(check_instrument, D020DuplicateIds) {
  instrument def = fixtures::small_appraisal();
  def.scales.push_back(def.scales[0]);
  def.dimensions.push_back({"A", label("Again")});
  def.items[2].id = "q1";
  def.items[2].column = "q3";  // no column clash on top
  def.groups.push_back({"g1", label("Again"), 0.0});
  def.units.push_back({"u2", label("Again")});
  EXPECT_EQ(check(def), (strings{
                            "error[D020] duplicate scale id 'sat', first used at /scales/0 (at /scales/1/id)",
                            "error[D020] duplicate dimension id 'A', first used at /dimensions/0 (at /dimensions/2/id)",
                            "error[D020] duplicate item id 'q1', first used at /items/0 (at /items/2/id)",
                            "error[D020] duplicate group id 'g1', first used at /groups/0 (at /groups/2/id)",
                            "error[D020] duplicate unit id 'u2', first used at /units/1 (at /units/3/id)",
                        }));
}

TEST(check_instrument, D021DanglingReferencesListKnownIds) {
  instrument def = fixtures::small_appraisal();
  def.scales.push_back(likert());
  def.items[0].scale = "satisfaction";
  def.items[1].dimension = "C";
  EXPECT_EQ(check(def),
            (strings{
                "error[D021] item 'q1' uses scale 'satisfaction', which does not exist; known scales: sat, agree5 "
                "(at /items/0/scale)",
                "error[D021] item 'q2' uses dimension 'C', which does not exist; known dimensions: A, B "
                "(at /items/1/dimension)",
            }));
  def.dimensions.clear();
  def.items[1].dimension = "A";
  def.items[0].scale = "sat";
  EXPECT_EQ(check(def), (strings{
                            "error[D021] item 'q1' uses dimension 'A', which does not exist; known dimensions: (none) "
                            "(at /items/0/dimension)",
                            "error[D021] item 'q2' uses dimension 'A', which does not exist; known dimensions: (none) "
                            "(at /items/1/dimension)",
                            "error[D021] item 'q3' uses dimension 'B', which does not exist; known dimensions: (none) "
                            "(at /items/2/dimension)",
                        }));
}

TEST(check_instrument, D022InvalidWeightsAndShares) {
  instrument def = fixtures::small_appraisal();
  def.items[0].weight = nan;
  def.items[1].weight = -inf;
  def.groups[0].share = -0.6;
  def.groups[1].share = inf;
  // No D023/D025/D024 on top: sums of invalid values are not checked.
  def.weight_total = 10.0;
  EXPECT_EQ(check(def), (strings{
                            "error[D022] item weight nan is not allowed, expected a finite number >= 0 (at /items/0/weight)",
                            "error[D022] item weight -inf is not allowed, expected a finite number >= 0 (at /items/1/weight)",
                            "error[D022] group share -0.6 is not allowed, expected a finite number >= 0 (at /groups/0/share)",
                            "error[D022] group share inf is not allowed, expected a finite number >= 0 (at /groups/1/share)",
                        }));
}

TEST(check_instrument, D023ZeroWeights) {
  instrument def = fixtures::small_appraisal();
  for (auto& item : def.items) item.weight = 0.0;
  EXPECT_EQ(check(def), (strings{"error[D023] all item weights are zero, expected at least one above zero (at /items)"}));

  def = fixtures::small_appraisal();
  def.items[2].weight = 0.0;  // the only item of dimension B
  EXPECT_EQ(check(def), (strings{"error[D023] all items of dimension 'B' have weight zero, expected at least one above "
                                 "zero (at /dimensions/1)"}));

  def = fixtures::small_appraisal();
  def.dimensions.push_back({"C", label("No items")});  // a dimension without items is not D023
  EXPECT_EQ(check(def), strings{});
}

TEST(check_instrument, D024SharesNotOne) {
  instrument def = fixtures::small_appraisal();
  def.groups[1].share = 0.35;
  EXPECT_EQ(check(def), (strings{"error[D024] group shares sum to 0.95, expected 1 (±1e-9) (at /groups)"}));
  def.groups[1].share = 0.4 + 5e-10;  // within tolerance
  EXPECT_EQ(check(def), strings{});
  def.groups[1].share = 0.4 + 2e-9;
  EXPECT_EQ(check(def), (strings{"error[D024] group shares sum to 1.000000002, expected 1 (±1e-9) (at /groups)"}));
}

TEST(check_instrument, D025WeightBudget) {
  instrument def = fixtures::small_appraisal();
  def.weight_total = 4.0;
  EXPECT_EQ(check(def), strings{});
  def.weight_total = 5.0;
  EXPECT_EQ(check(def), (strings{"error[D025] item weights sum to 4, expected weight_total 5 (at /weight_total)"}));
  // The tolerance scales with the total: 1e-9 * 100 = 1e-7.
  def.weight_total = 100.0;
  def.items[0].weight = 98.0 + 5e-8;
  EXPECT_EQ(check(def), strings{});
  def.items[0].weight = 98.0 + 5e-7;
  EXPECT_EQ(check(def),
            (strings{"error[D025] item weights sum to 100.0000005, expected weight_total 100 (at /weight_total)"}));
}

TEST(check_instrument, D026MinCellBelowOne) {
  instrument def = fixtures::small_appraisal();
  def.privacy.min_cell = 0;
  EXPECT_EQ(check(def), (strings{"error[D026] min_cell 0 is below 1, expected an integer >= 1 (1 publishes every "
                                 "cell) (at /privacy/min_cell)"}));
  def.privacy.min_cell = -3;
  EXPECT_EQ(check(def), (strings{"error[D026] min_cell -3 is below 1, expected an integer >= 1 (1 publishes every "
                                 "cell) (at /privacy/min_cell)"}));
  def.privacy.min_cell = 1;
  EXPECT_TRUE(check(def).empty());
}

TEST(check_instrument, D026ValuesOutOfRange) {
  instrument def = fixtures::small_appraisal();
  def.points = 0.0;
  def.weight_total = nan;
  def.ballot.min_answered = 1.5;
  def.ranking.min_valid = -1;
  def.ranking.decimals = 10;
  EXPECT_EQ(check(def), (strings{
                            "error[D026] points 0 is not allowed, expected a finite number > 0 (at /points)",
                            "error[D026] weight_total nan is not allowed, expected a finite number > 0 (at /weight_total)",
                            "error[D026] min_answered 1.5 is outside [0, 1] (at /ballot/min_answered)",
                            "error[D026] min_valid -1 is negative, expected an integer >= 0 (at /ranking/min_valid)",
                            "error[D026] decimals 10 is outside 0..9 (at /ranking/decimals)",
                        }));
  def = fixtures::small_appraisal();
  def.points = inf;
  def.ballot.min_answered = nan;
  def.ranking.decimals = -1;
  EXPECT_EQ(check(def), (strings{
                            "error[D026] points inf is not allowed, expected a finite number > 0 (at /points)",
                            "error[D026] min_answered nan is outside [0, 1] (at /ballot/min_answered)",
                            "error[D026] decimals -1 is outside 0..9 (at /ranking/decimals)",
                        }));
}

TEST(check_instrument, D026NumericScales) {
  instrument def = fixtures::small_appraisal();
  def.scales.push_back(likert("flat"));
  def.scales.back().min = 5;
  def.scales.back().max = 5;
  def.scales.push_back(likert("wide"));
  def.scales.back().positive_from = 6;
  def.scales.back().points_at_max = nan;
  def.scales.push_back(likert("scored"));
  def.scales.back().options.push_back({"9", label("Bonus"), 10.0, false, false});
  EXPECT_EQ(check(def),
            (strings{
                "error[D026] numeric scale min 5 is not below max 5 (at /scales/1/numeric)",
                "error[D026] points at max nan is not a finite number (at /scales/2/numeric/points/1)",
                "error[D026] positive_from 6 is outside the scale's range 1..5 (at /scales/2/numeric/positive_from)",
                "error[D026] option '9' of numeric scale 'scored' must be a non-answer (non_answer: true); the range "
                "gives the scored values (at /scales/3/options/0)",
            }));
}

TEST(check_instrument, D026OptionRules) {
  instrument def = fixtures::small_appraisal();
  auto& options = def.scales[0].options;
  options[0].points = inf;
  options[1].code = " 2";
  options[3].points = 0.0;    // non-answer with points
  options[3].positive = true;  // and positive
  EXPECT_EQ(check(def),
            (strings{
                "error[D026] option points inf is not a finite number (at /scales/0/options/0/points)",
                "error[D026] option code ' 2' has leading or trailing blanks, which data cells never have (they are "
                "trimmed) (at /scales/0/options/1/code)",
                "error[D026] option '4' has both points and non_answer: true; a non-answer earns no points "
                "(at /scales/0/options/3)",
                "error[D026] option '4' is a non-answer and cannot be positive (at /scales/0/options/3)",
            }));
  // Negative and fractional points are allowed.
  def = fixtures::small_appraisal();
  def.scales[0].options[2].points = -12.5;
  EXPECT_EQ(check(def), strings{});
}

TEST(check_instrument, D026AtMost254Options) {
  instrument def = fixtures::small_appraisal();
  auto& options = def.scales[0].options;
  while (options.size() < 254) options.push_back({std::to_string(options.size() + 1), label(), 1.0, false, false});
  EXPECT_EQ(check(def), strings{});
  options.push_back({"255", label(), 1.0, false, false});
  EXPECT_EQ(check(def), (strings{"error[D026] scale 'sat' has 255 options, at most 254 are allowed (at /scales/0)"}));

  def = fixtures::small_appraisal();
  def.scales.push_back(likert("percent"));
  def.scales.back().min = 0;
  def.scales.back().max = 253;  // 254 values
  EXPECT_EQ(check(def), strings{});
  def.scales.back().options.push_back({"999", label(), std::nullopt, true, false});
  EXPECT_EQ(check(def), (strings{"error[D026] scale 'percent' has 255 options, at most 254 are allowed (at /scales/1)"}));
  def.scales.back().min = std::numeric_limits<int>::min();
  def.scales.back().max = std::numeric_limits<int>::max();
  EXPECT_EQ(check(def),
            (strings{"error[D027] option code '999' is already a value of the numeric range -2147483648..2147483647 "
                     "(at /scales/1/options/0/code)",
                     "error[D026] scale 'percent' has 4294967297 options, at most 254 are allowed (at /scales/1)"}));
}

TEST(check_instrument, D026ColumnNames) {
  instrument def = fixtures::small_appraisal();
  def.columns.unit.clear();
  EXPECT_EQ(check(def),
            (strings{"error[D026] the unit column name is empty, expected a column name (at /columns/unit)"}));
}

TEST(check_instrument, D027DuplicateCodesAndLabels) {
  instrument def = fixtures::small_appraisal();
  auto& options = def.scales[0].options;
  options[2].code = "1";
  options[3].text = label();
  options[3].text.set("zh", "满意");
  options[3].text.set("en", "Fairly satisfied");
  options[0].text = label();
  options[0].text.set("zh", "满意");
  def.scales.push_back(likert());
  def.scales.back().options.push_back({"3", label("Don't know"), std::nullopt, true, false});
  def.scales.back().options.push_back({"03", label("Don't know"), std::nullopt, true, false});  // labels: fine here
  EXPECT_EQ(check(def),
            (strings{
                "error[D027] duplicate option code '1' in scale 'sat', first used at /scales/0/options/0 "
                "(at /scales/0/options/2/code)",
                "error[D027] duplicate option label '满意' (zh) in scale 'sat', first used at /scales/0/options/0 "
                "(at /scales/0/options/3/label/zh)",
                "error[D027] option code '3' is already a value of the numeric range 1..5 (at /scales/1/options/0/code)",
            }));
  // The same text in different languages is not a clash, nor an unnamed-language label against a
  // named one ("Fairly satisfied" above is in "en" and in "").
}

TEST(check_instrument, D028MissingPoints) {
  instrument def = fixtures::small_appraisal();
  def.scales[0].options[2].points.reset();
  EXPECT_EQ(check(def),
            (strings{"error[D028] option '3' has neither points nor non_answer: true (at /scales/0/options/2)"}));
}

TEST(check_instrument, D029ReverseOnCategorical) {
  instrument def = fixtures::small_appraisal();
  def.items[1].reverse = true;
  EXPECT_EQ(check(def), (strings{"error[D029] item 'q2' is reverse-keyed but scale 'sat' is categorical; reverse needs "
                                 "a numeric scale (at /items/1/reverse)"}));
}

TEST(check_instrument, D030NoScoredOption) {
  instrument def = fixtures::small_appraisal();
  answer_scale dk;
  dk.id = "dk";
  dk.options.push_back({"8", label("Refused"), std::nullopt, true, false});
  dk.options.push_back({"9", label("Don't know"), std::nullopt, true, false});
  def.scales.push_back(dk);
  EXPECT_EQ(check(def), (strings{"error[D030] scale 'dk' has no scored option: every option is a non-answer "
                                 "(at /scales/1/options)"}));
}

TEST(check_instrument, D031ColumnConflicts) {
  instrument def = fixtures::small_appraisal();
  def.columns.weight = "group";
  def.items[1].column = "q1";
  def.items[2].column = "unit";
  EXPECT_EQ(check(def), (strings{
                            "error[D031] column 'group' is already read by /columns/group (at /columns/weight)",
                            "error[D031] column 'q1' is already read by /items/0 (at /items/1/column)",
                            "error[D031] column 'unit' is already read by /columns/unit (at /items/2/column)",
                        }));
  def = fixtures::small_appraisal();
  def.columns.unit = "respondent_id";
  def.items[0].id = "group";  // column defaults to the id
  EXPECT_EQ(check(def), (strings{
                            "error[D031] column 'respondent_id' is already read by /columns/respondent (at /columns/unit)",
                            "error[D031] column 'group' is already read by /columns/group (at /items/0/column)",
                        }));
}

TEST(check_instrument, D032EmptyLists) {
  instrument def = fixtures::small_appraisal();
  def.items.clear();
  def.groups.clear();
  def.scales[0].options.clear();
  EXPECT_EQ(check(def), (strings{
                            "error[D032] scale 'sat' has no options, expected at least one (at /scales/0/options)",
                            "error[D032] no items, expected at least one (at /items)",
                            "error[D032] no groups, expected at least one (at /groups)",
                        }));
  def = fixtures::small_appraisal();
  def.scales.clear();  // and the items' scales dangle, which is not repeated per item
  EXPECT_EQ(check(def), (strings{"error[D032] no scales, expected at least one (at /scales)"}));
}

TEST(check_instrument, EveryProblemIsReported) {
  instrument def = fixtures::small_appraisal();
  def.points = -1;
  def.items[0].weight = -1;
  def.items[1].scale = "nope";
  def.groups[0].share = 0.5;
  def.ranking.decimals = 12;
  const auto diagnostics = check_instrument(def);
  std::string ids;
  for (const auto& d : diagnostics) ids += error_id(d.code) + " ";
  EXPECT_EQ(ids, "D026 D022 D021 D024 D026 ");
}

}  // namespace
