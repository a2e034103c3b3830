// score(): respondent scores per score column, the answered count and the ballot rule.
#include "qscore/score/scorer.hpp"

#include <gtest/gtest.h>

#include "qscore/data/batch_builder.hpp"
#include "support/small_appraisal.hpp"

namespace {

using namespace qscore;

TEST(scorer, weighted_mean_over_answered_items) {
  const scoring_plan plan = compile(fixtures::small_appraisal()).value();
  batch_builder builder(plan);
  const answer_code all_first[] = {1, 1, 2};  // (2*100 + 100 + 75) / 4 = 93.75
  const answer_code with_dk[] = {3, 4, 3};    // q2 don't know: (2*55 + 55) / 3 = 55
  const answer_code blanks[] = {0, 2, 0};     // only q2: 75 -> one item of 3: void
  const answer_code none[] = {4, 4, 0};       // nothing answered: void, no score
  ASSERT_TRUE(builder.add_coded_row(0, 0, all_first));
  ASSERT_TRUE(builder.add_coded_row(0, 0, with_dk));
  ASSERT_TRUE(builder.add_coded_row(1, 1, blanks));
  ASSERT_TRUE(builder.add_coded_row(1, 1, none));
  const response_batch batch = builder.take();
  const score_batch s = score(plan, batch);

  EXPECT_DOUBLE_EQ(s.score(0, 0), 93.75);
  EXPECT_DOUBLE_EQ(s.score(0, 1), 100.0);  // A: (200 + 100) / 3
  EXPECT_DOUBLE_EQ(s.score(0, 2), 75.0);   // B: q3 alone
  EXPECT_DOUBLE_EQ(s.score(1, 0), 55.0);
  EXPECT_DOUBLE_EQ(s.score(1, 1), 55.0);   // A: q1 alone (q2 don't know)
  EXPECT_EQ(s.answered(0), 3);
  EXPECT_EQ(s.answered(1), 2);
  EXPECT_EQ(s.answered(2), 1);
  EXPECT_EQ(s.answered(3), 0);
  EXPECT_EQ(s.status(0), ballot_status::valid);
  EXPECT_EQ(s.status(1), ballot_status::valid);
  EXPECT_EQ(s.status(2), ballot_status::void_ballot);  // 1 < 0.5 * 3
  EXPECT_EQ(s.status(3), ballot_status::void_ballot);
  EXPECT_TRUE(s.has_score(2, 0));
  EXPECT_FALSE(s.has_score(2, 2));  // B unanswered: no score, and no NaN either
  EXPECT_EQ(s.score(2, 2), 0.0);
  EXPECT_FALSE(s.has_score(3, 0));
  EXPECT_FALSE((s.score.array() != s.score.array()).any());
}

TEST(scorer, min_answered_fraction_boundary) {
  instrument def = fixtures::small_appraisal();
  def.ballot.min_answered = 2.0 / 3.0;  // needs 2 of 3
  const scoring_plan plan = compile(def).value();
  batch_builder builder(plan);
  const answer_code two[] = {1, 1, 0};
  const answer_code one[] = {1, 0, 0};
  ASSERT_TRUE(builder.add_coded_row(0, 0, two));
  ASSERT_TRUE(builder.add_coded_row(0, 0, one));
  const score_batch s = score(plan, builder.take());
  EXPECT_EQ(s.status(0), ballot_status::valid);
  EXPECT_EQ(s.status(1), ballot_status::void_ballot);
}

TEST(scorer, empty_batch) {
  const scoring_plan plan = compile(fixtures::small_appraisal()).value();
  batch_builder builder(plan);
  const score_batch s = score(plan, builder.take());
  EXPECT_EQ(s.score.rows(), 0);
}

TEST(batch_builder, rejects_out_of_range_codes_and_indices) {
  const scoring_plan plan = compile(fixtures::small_appraisal()).value();
  batch_builder builder(plan);
  const answer_code too_big[] = {5, 1, 1};
  EXPECT_FALSE(builder.add_coded_row(0, 0, too_big));
  const answer_code fine[] = {1, 1, 1};
  EXPECT_FALSE(builder.add_coded_row(2, 0, fine));   // no group 2
  EXPECT_FALSE(builder.add_coded_row(0, 3, fine));   // no unit 3
  EXPECT_FALSE(builder.add_coded_row(0, 0, fine, -1.0));
  EXPECT_TRUE(builder.add_coded_row(0, 0, fine));
  const response_batch batch = builder.take();
  EXPECT_EQ(batch.rows(), 1);
  ASSERT_EQ(batch.rejected.size(), 4U);
  EXPECT_EQ(batch.rejected[0].code, errc::invalid_code);
  EXPECT_EQ(batch.rejected[1].code, errc::unknown_group);
  EXPECT_EQ(batch.rejected[2].code, errc::unknown_unit);
  EXPECT_EQ(batch.rejected[3].code, errc::invalid_row_weight);
  EXPECT_EQ(batch.rows_read(), 5);
}

TEST(batch_builder, text_rows_name_the_bad_value) {
  const scoring_plan plan = compile(fixtures::small_appraisal()).value();
  batch_builder builder(plan);
  const std::string_view answers[] = {"1", "1", "1"};
  EXPECT_FALSE(builder.add_text_row("g9", "u1", answers, "", 12));
  EXPECT_FALSE(builder.add_text_row("g1", "u9", answers, "", 13));
  EXPECT_FALSE(builder.add_text_row("g1", "", answers, "", 14));
  EXPECT_FALSE(builder.add_text_row("g1", "u1", answers, "1,5", 15));
  EXPECT_FALSE(builder.add_text_row("g1", "u1", answers, "nan", 16));
  EXPECT_TRUE(builder.add_text_row("Group 1", "Unit 2", answers, "0.5", 17));
  const response_batch batch = builder.take();
  ASSERT_EQ(batch.rejected.size(), 5U);
  EXPECT_EQ(batch.rejected[0].message(), "R202 column 'group': found 'g9', expected a group the definition declares");
  EXPECT_EQ(batch.rejected[0].line, 12);
  EXPECT_EQ(batch.rejected[1].code, errc::unknown_unit);
  EXPECT_EQ(batch.rejected[2].code, errc::empty_key);
  EXPECT_EQ(batch.rejected[3].code, errc::invalid_row_weight);
  EXPECT_EQ(batch.rejected[4].code, errc::invalid_row_weight);
  ASSERT_EQ(batch.rows(), 1);
  EXPECT_EQ(batch.group(0), 0);
  EXPECT_EQ(batch.unit(0), 1);
  EXPECT_EQ(batch.weight(0), 0.5);
  EXPECT_EQ(batch.lines[0], 17);
}

TEST(batch_builder, open_units_are_numbered_as_they_appear) {
  instrument def = fixtures::small_appraisal();
  def.units.clear();
  const scoring_plan plan = compile(def).value();
  batch_builder builder(plan, 2);  // capacity 2: a third row makes it grow
  const std::string_view answers[] = {"1", "1", "1"};
  EXPECT_TRUE(builder.add_text_row("g1", "north", answers));
  EXPECT_TRUE(builder.add_text_row("g1", "south", answers));
  EXPECT_TRUE(builder.add_text_row("g1", "north", answers));
  const response_batch batch = builder.take();
  EXPECT_EQ(batch.unit_ids, (std::vector<std::string>{"north", "south"}));
  EXPECT_EQ(batch.unit(2), 0);
  EXPECT_EQ(batch.rows(), 3);
}

}  // namespace
