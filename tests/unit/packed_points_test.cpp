// The integer kernel: when the plan packs its points (plan/packed_points.hpp), and that scoring
// through the packed words gives the same bits as the double kernel.
#include "qscore/plan/packed_points.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <random>

#include "qscore/data/batch_builder.hpp"
#include "qscore/score/scorer.hpp"
#include "support/small_appraisal.hpp"

namespace {

using namespace qscore;

// The same plan without its packed table: score() then takes the double kernel.
scoring_plan double_kernel_plan(scoring_plan plan) {
  plan.packed = packed_points{};
  return plan;
}

response_batch random_batch(const scoring_plan& plan, int rows, unsigned seed) {
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> code(0, plan.code_rows - 1);
  batch_builder builder(plan);
  std::vector<answer_code> codes(plan.item_count());
  for (int r = 0; r < rows; ++r) {
    for (auto& c : codes) c = static_cast<answer_code>(code(random));
    EXPECT_TRUE(builder.add_coded_row(r % 2, r % 3, codes));
  }
  return builder.take();
}

void expect_same_bits(const score_batch& a, const score_batch& b) {
  ASSERT_EQ(a.score.rows(), b.score.rows());
  ASSERT_EQ(a.score.cols(), b.score.cols());
  for (Eigen::Index i = 0; i < a.score.rows(); ++i) {
    for (Eigen::Index s = 0; s < a.score.cols(); ++s) {
      EXPECT_EQ(a.has_score(i, s), b.has_score(i, s)) << "row " << i << " column " << s;
      EXPECT_EQ(std::bit_cast<std::uint64_t>(a.score(i, s)), std::bit_cast<std::uint64_t>(b.score(i, s)))
          << "row " << i << " column " << s << ": " << a.score(i, s) << " vs " << b.score(i, s);
    }
    EXPECT_EQ(a.answered(i), b.answered(i));
    EXPECT_EQ(a.status(i), b.status(i));
  }
}

TEST(packed_points, whole_points_and_weights_are_packed) {
  const scoring_plan plan = compile(fixtures::small_appraisal()).value();
  ASSERT_TRUE(plan.packed.usable());
  // Item q1 (weight 2) in column 0: option 1 adds 2 * 100 points, weight 2 and one answer;
  // option 4 (don't know) adds nothing but is no answer either; blank adds nothing.
  const auto word = [&](std::size_t s, std::size_t j, std::size_t c) {
    return plan.packed.words[(s * plan.item_count() + j) * static_cast<std::size_t>(plan.code_rows) + c];
  };
  EXPECT_EQ(packed_points::points_of(word(0, 0, 1)), 200);
  EXPECT_EQ(packed_points::weight_of(word(0, 0, 1)), 2);
  EXPECT_EQ(packed_points::count_of(word(0, 0, 1)), 1);
  EXPECT_EQ(word(0, 0, 4), 0U);
  EXPECT_EQ(word(0, 0, 0), 0U);
  // q3 belongs to dimension B (column 2), not A (column 1); answers are counted in column 0 only.
  EXPECT_EQ(word(1, 2, 1), 0U);
  EXPECT_EQ(packed_points::points_of(word(2, 2, 3)), 55);
  EXPECT_EQ(packed_points::count_of(word(2, 2, 3)), 0);
}

TEST(packed_points, negative_sums_come_back_signed) {
  // Penalty points: 3 items with -40 points each (weight 1) sum to -120 with weight 3, count 3.
  Eigen::ArrayXXd points(2, 3), answered(2, 3);
  points << 0, 0, 0, -40, -40, -40;
  answered << 0, 0, 0, 1, 1, 1;
  const packed_points packed = pack_points(points, answered, Eigen::MatrixXd::Ones(3, 1));
  ASSERT_TRUE(packed.usable());
  std::uint64_t sum = 0;
  for (std::size_t j = 0; j < 3; ++j) sum += packed.words[j * 2 + 1];
  EXPECT_EQ(packed_points::points_of(sum), -120);
  EXPECT_EQ(packed_points::weight_of(sum), 3);
  EXPECT_EQ(packed_points::count_of(sum), 3);
}

TEST(packed_points, fractions_and_overflow_leave_the_double_kernel) {
  Eigen::ArrayXXd points(2, 2), answered(2, 2);
  points << 0, 0, 100, 100;
  answered << 0, 0, 1, 1;
  EXPECT_TRUE(pack_points(points, answered, Eigen::MatrixXd::Ones(2, 1)).usable());
  Eigen::MatrixXd half = Eigen::MatrixXd::Ones(2, 1);
  half(1, 0) = 1.5;  // 1.5 * 100 = 150 is whole, but a weight of 1.5 is not
  EXPECT_FALSE(pack_points(points, answered, half).usable());
  Eigen::ArrayXXd fractional = points;
  fractional(1, 1) = 62.5;
  EXPECT_FALSE(pack_points(fractional, answered, Eigen::MatrixXd::Ones(2, 1)).usable());
  // Two items of 5,000,000 points: a row could reach 10^7 > 2^23 - 1 = 8,388,607.
  Eigen::ArrayXXd large = points;
  large.row(1).setConstant(5'000'000);
  EXPECT_FALSE(pack_points(large, answered, Eigen::MatrixXd::Ones(2, 1)).usable());
  large.row(1).setConstant(4'000'000);  // 8,000,000 fits
  EXPECT_TRUE(pack_points(large, answered, Eigen::MatrixXd::Ones(2, 1)).usable());
  // Weights summing to 2^24 overflow the weight field (points 0, so only the weights count).
  const Eigen::ArrayXXd no_points = Eigen::ArrayXXd::Zero(2, 2);
  EXPECT_FALSE(pack_points(no_points, answered, Eigen::MatrixXd::Constant(2, 1, 8'388'608)).usable());
  EXPECT_TRUE(pack_points(no_points, answered, Eigen::MatrixXd::Constant(2, 1, 8'388'607)).usable());
  // A definition with fractional points compiles to an unpacked plan and still scores.
  instrument def = fixtures::small_appraisal();
  def.scales[0].options[1].points = 62.5;
  EXPECT_FALSE(compile(def).value().packed.usable());
}

TEST(packed_points, integer_and_double_kernels_give_the_same_bits) {
  // Every code on every item, blanks and don't-knows included, across tiles of 256 rows and a
  // ragged last tile: the whole score, both dimensions, the answered count and the ballot rule.
  const scoring_plan plan = compile(fixtures::small_appraisal()).value();
  ASSERT_TRUE(plan.packed.usable());
  const scoring_plan unpacked = double_kernel_plan(plan);
  const response_batch batch = random_batch(plan, 1000, 7);
  expect_same_bits(score(plan, batch), score(unpacked, batch));
}

TEST(packed_points, weights_and_points_that_do_not_divide_evenly_agree_too) {
  // Weights 3, 7, 11 and points 100 / 67 / 0: quotients such as 1037 / 21 are not exact in
  // binary, so both kernels must form the same integer numerator and denominator to agree.
  instrument def = fixtures::small_appraisal();
  def.items[0].weight = 3.0;
  def.items[1].weight = 7.0;
  def.items[2].weight = 11.0;
  def.scales[0].options[1].points = 67.0;
  def.scales[0].options[2].points = 0.0;
  const scoring_plan plan = compile(def).value();
  ASSERT_TRUE(plan.packed.usable());
  const response_batch batch = random_batch(plan, 777, 11);
  expect_same_bits(score(plan, batch), score(double_kernel_plan(plan), batch));
}

}  // namespace
