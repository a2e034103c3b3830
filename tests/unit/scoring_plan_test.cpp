// compile(): lookup tables, numeric scales with reverse keying, decoding of codes and labels.
#include "qscore/plan/scoring_plan.hpp"

#include <gtest/gtest.h>

#include "support/small_appraisal.hpp"

namespace {

using namespace qscore;

instrument likert_definition() {
  instrument def;
  def.id = "likert";
  answer_scale agree;
  agree.id = "agree5";
  agree.kind = scale_kind::numeric;
  agree.min = 1;
  agree.max = 5;
  agree.points_at_min = 0.0;
  agree.points_at_max = 100.0;
  agree.positive_from = 4;
  agree.options = {{"9", label("Don't know"), std::nullopt, true, false}};
  def.scales.push_back(agree);
  def.items = {{"a", label("A"), "agree5", 1.0, "", false, ""},
               {"b", label("B"), "agree5", 1.0, "", true, "B_col"}};
  def.groups = {{"all", label("All"), 1.0}};
  return def;
}

TEST(compile, categorical_lookup_tables) {
  const scoring_plan plan = compile(fixtures::small_appraisal()).value();
  ASSERT_EQ(plan.item_count(), 3U);
  EXPECT_EQ(plan.score_columns(), 3U);  // whole + dimensions A, B
  EXPECT_EQ(plan.code_rows, 5);         // blank + 4 options
  // Code c of item j: row c. Blank (row 0) earns nothing and is not an answer.
  EXPECT_EQ(plan.points_lut(0, 0), 0.0);
  EXPECT_EQ(plan.answered_lut(0, 0), 0.0);
  EXPECT_EQ(plan.points_lut(1, 0), 100.0);
  EXPECT_EQ(plan.points_lut(3, 0), 55.0);
  EXPECT_EQ(plan.points_lut(4, 0), 0.0);     // don't know
  EXPECT_EQ(plan.answered_lut(4, 0), 0.0);   // ... is not an answer
  // Weights: column 0 all items; A holds q1 (2) and q2 (1); B holds q3 (1).
  EXPECT_EQ(plan.weights(0, 0), 2.0);
  EXPECT_EQ(plan.weights(0, 1), 2.0);
  EXPECT_EQ(plan.weights(0, 2), 0.0);
  EXPECT_EQ(plan.weights(2, 2), 1.0);
  EXPECT_EQ(plan.weights(2, 1), 0.0);
}

TEST(compile, decodes_codes_labels_and_blanks) {
  const scoring_plan plan = compile(fixtures::small_appraisal()).value();
  EXPECT_EQ(plan.decode(0, "1"), 1);
  EXPECT_EQ(plan.decode(0, "4"), 4);
  EXPECT_EQ(plan.decode(0, "Fairly satisfied"), 2);
  EXPECT_EQ(plan.decode(0, " 3 "), 3);
  EXPECT_EQ(plan.decode(0, ""), blank_code);
  EXPECT_EQ(plan.decode(0, "  "), blank_code);
  EXPECT_EQ(plan.decode(0, "5"), code_decoder::invalid);
  EXPECT_EQ(plan.decode(0, "satisfied"), code_decoder::invalid);  // labels match exactly
  EXPECT_EQ(plan.expected_answers(0),
            "one of 1 (Satisfied), 2 (Fairly satisfied), 3 (Dissatisfied), 4 (Don't know) or blank");
}

TEST(compile, numeric_scale_maps_linearly_and_reverses) {
  const scoring_plan plan = compile(likert_definition()).value();
  // 1..5 onto 0..100: x -> (x - 1) / 4 * 100; the don't-know code 9 comes after the range.
  ASSERT_EQ(plan.items[0].options.size(), 6U);
  EXPECT_EQ(plan.decode(0, "1"), 1);
  EXPECT_EQ(plan.decode(0, "9"), 6);
  EXPECT_DOUBLE_EQ(plan.points_lut(1, 0), 0.0);
  EXPECT_DOUBLE_EQ(plan.points_lut(2, 0), 25.0);
  EXPECT_DOUBLE_EQ(plan.points_lut(5, 0), 100.0);
  EXPECT_EQ(plan.answered_lut(6, 0), 0.0);
  // Item b is reverse-keyed: x scores as 1 + 5 - x, so "1" earns 100 and "4" earns 25.
  EXPECT_DOUBLE_EQ(plan.points_lut(1, 1), 100.0);
  EXPECT_DOUBLE_EQ(plan.points_lut(4, 1), 25.0);
  // Positive from 4, judged on the keyed value: for b that is raw 1 and 2.
  EXPECT_TRUE(plan.items[0].options[3].positive);   // a = 4
  EXPECT_FALSE(plan.items[0].options[2].positive);  // a = 3
  EXPECT_TRUE(plan.items[1].options[0].positive);   // b = 1 -> keyed 5
  EXPECT_FALSE(plan.items[1].options[3].positive);  // b = 4 -> keyed 2
  EXPECT_EQ(plan.items[1].column, "B_col");
  EXPECT_EQ(plan.items[0].column, "a");
}

TEST(compile, groups_and_units_by_id_or_label) {
  const scoring_plan plan = compile(fixtures::small_appraisal()).value();
  EXPECT_EQ(plan.group_index.find("g2"), 1);
  EXPECT_EQ(plan.group_index.find("Group 2"), 1);
  EXPECT_FALSE(plan.group_index.find("g3").has_value());
  EXPECT_TRUE(plan.units_declared);
  EXPECT_EQ(plan.unit_index.find("Unit 3"), 2);
}

TEST(compile, fingerprint_tracks_what_changes_meaning) {
  const auto base = compile(fixtures::small_appraisal()).value().fingerprint;
  EXPECT_EQ(compile(fixtures::small_appraisal()).value().fingerprint, base);
  instrument changed = fixtures::small_appraisal();
  changed.items[1].weight = 1.5;
  EXPECT_NE(compile(changed).value().fingerprint, base);
  instrument relabelled = fixtures::small_appraisal();
  relabelled.title = "Another title";  // labels do not change what a tally means
  EXPECT_EQ(compile(relabelled).value().fingerprint, base);
}

}  // namespace
