// Issue 3, accuracy: 10^8 identical respondent scores give exactly that mean.
//
// Why this can fail: a tally sums weighted scores in blocks of 1,024 rows. Summed as plain
// doubles, 1,024 copies of 275/3 do not add up to 1,024 × 275/3 (each addition rounds in the last
// bit), and the drift survives the compensated sum of the blocks: before the block sums were
// taken about the block's first score, 10^8 copies of 73.333… averaged to 73.333333333333556.
// Summed as deviations from the block's first score, identical scores contribute exactly 0 and
// x0·Σw joins the compensated sum as an exact product, so the mean divides back to x0.
//
// The full 10^8 rows run in optimised builds (a few seconds); builds without NDEBUG (the
// sanitizer run) take 10^6 rows, which exercises the same code.
#include <gtest/gtest.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "qscore/data/batch_builder.hpp"
#include "qscore/plan/scoring_plan.hpp"
#include "qscore/report/finalize.hpp"
#include "qscore/score/scorer.hpp"
#include "qscore/tally/tally.hpp"
#include "support/small_appraisal.hpp"

namespace {

using namespace qscore;

#ifdef NDEBUG
constexpr std::int64_t total_rows = 100'000'000;
#else
constexpr std::int64_t total_rows = 1'000'000;
#endif
constexpr std::int64_t batch_rows = 50'000;  // 10^8 = 2,000 batches; 10^6 = 20
static_assert(total_rows % batch_rows == 0);

// The mean over `total_rows` copies of one ballot, and that ballot's own score.
struct outcome {
  double single_score = 0.0;
  std::optional<double> group_mean;
  std::optional<double> unit_score;
  std::optional<double> dimension_a;
};

outcome identical_ballots(const instrument& def, std::string_view weight) {
  const scoring_plan plan = compile(def).value();
  batch_builder builder(plan);
  // q1 = 1 (100 points, weight 2), q2 = 2 (75, weight 1), q3 blank:
  // (2 × 100 + 1 × 75) / (2 + 1) = 275/3 = 91.666…; dimension A (q1, q2) the same.
  const std::vector<std::string_view> answers{"1", "2", ""};
  for (std::int64_t i = 0; i < batch_rows; ++i) builder.add_text_row("g1", "u2", answers, weight);
  const response_batch batch = builder.take();
  const score_batch scored = score(plan, batch);

  tally t = make_tally(plan);
  for (std::int64_t done = 0; done < total_rows; done += batch_rows) accumulate(t, plan, batch, scored);
  t.flush();
  const report r = finalize(plan, t);

  outcome out;
  out.single_score = scored.score(0, 0);
  for (const auto& unit : r.units) {
    if (unit.id != "u2") continue;
    out.unit_score = unit.score;
    out.group_mean = unit.groups[0].mean;
    out.dimension_a = unit.dimensions[0].score;
  }
  return out;
}

TEST(tally_exact_mean, identical_scores_give_exactly_that_mean) {
  const outcome out = identical_ballots(fixtures::small_appraisal(), "");
  EXPECT_NEAR(out.single_score, 275.0 / 3.0, 1e-12);
  ASSERT_TRUE(out.group_mean.has_value());
  EXPECT_EQ(*out.group_mean, out.single_score);  // exactly, not nearly
  // Only g1 has ballots in u2, so its share is renormalised to 1: the unit score is the mean.
  ASSERT_TRUE(out.unit_score.has_value());
  EXPECT_EQ(*out.unit_score, out.single_score);
  ASSERT_TRUE(out.dimension_a.has_value());
  EXPECT_EQ(*out.dimension_a, out.single_score);
}

TEST(tally_exact_mean, identical_scores_with_a_sampling_weight_give_exactly_that_mean) {
  instrument def = fixtures::small_appraisal();
  def.columns.weight = "weight";
  // Σw = 0.7 × 10^8 is not exact in a double, but Σw·x = x · Σw exactly (as a product), and
  // the quotient of the two is x.
  const outcome out = identical_ballots(def, "0.7");
  ASSERT_TRUE(out.group_mean.has_value());
  EXPECT_EQ(*out.group_mean, out.single_score);
  ASSERT_TRUE(out.unit_score.has_value());
  EXPECT_EQ(*out.unit_score, out.single_score);
}

}  // namespace
