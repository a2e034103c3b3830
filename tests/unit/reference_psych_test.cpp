// Scale scores, item statistics and reliability against R's psych package on the bfi data it
// ships (tests/reference/psych/, made by make_bfi.R): 2800 respondents, 25 six-point items in
// five scales with seven reverse-keyed items, and missing answers.
//
// The responses go through the path a report takes: the YAML loader (bfi.yaml), the CSV reader,
// score, accumulate, finalize.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <string>

#include "qscore/data/csv_reader.hpp"
#include "qscore/definition/load.hpp"
#include "qscore/pipeline.hpp"
#include "qscore/report/finalize.hpp"
#include "qscore/score/scorer.hpp"
#include "support/reference_csv.hpp"

namespace {

using namespace qscore;

instrument bfi_definition() {
  auto loaded = load_definition(fixtures::reference_path("psych/bfi.yaml"));
  if (!loaded) {
    for (const auto& d : loaded.diagnostics()) ADD_FAILURE() << d.to_string();
    throw std::runtime_error("bfi.yaml does not load");
  }
  return loaded->definition;
}

report bfi_report(const instrument& def) {
  const scoring_plan plan = compile(def).value();
  auto totals = score_file(plan, fixtures::reference_path("psych/bfi.csv"));
  if (!totals) throw std::runtime_error("bfi.csv does not score");
  EXPECT_EQ(totals->rejected(), 0);
  return finalize(plan, *totals);
}

TEST(reference_psych, scale_scores_match_score_items) {
  // psych::scoreItems(keys, impute = "none"): the mean of the keyed items a respondent answered.
  // qscore's dimension score with weights 1 and points = the answer is the same mean.
  const scoring_plan plan = compile(bfi_definition()).value();
  auto reader = csv_reader::open(fixtures::reference_path("psych/bfi.csv"), plan);
  ASSERT_TRUE(reader);
  const auto want = fixtures::read_reference_csv(fixtures::reference_path("psych/bfi_scores.csv"));
  response_batch batch;
  std::size_t row = 0;
  std::size_t compared = 0;
  double worst = 0.0;
  while (reader->next(batch)) {
    const score_batch scored = score(plan, batch);
    for (Eigen::Index i = 0; i < batch.rows(); ++i, ++row) {
      ASSERT_LT(row, want.rows.size());
      for (std::size_t d = 0; d < plan.dimensions.size(); ++d) {
        const auto s = static_cast<Eigen::Index>(d + 1);
        const std::optional<double> expected = want.number(row, plan.dimensions[d].id);
        ASSERT_EQ(scored.has_score(i, s), expected.has_value()) << "row " << row << " scale " << plan.dimensions[d].id;
        if (!expected) continue;
        const double diff = std::fabs(scored.score(i, s) - *expected) / *expected;
        worst = std::max(worst, diff);
        EXPECT_LE(diff, 1e-12) << "row " << row << " scale " << plan.dimensions[d].id;
        ++compared;
      }
    }
  }
  EXPECT_EQ(row, want.rows.size());
  EXPECT_GT(compared, 13000U);
  ::testing::Test::RecordProperty("worst_relative_difference", std::to_string(worst));
  std::cout << "scale scores: worst relative difference to scoreItems " << worst << "\n";
}

TEST(reference_psych, item_statistics_match_r) {
  const report r = bfi_report(bfi_definition());
  const auto want = fixtures::read_reference_csv(fixtures::reference_path("psych/bfi_items.csv"));
  ASSERT_EQ(r.units.size(), 1U);
  const auto& items = r.units[0].items;
  ASSERT_EQ(items.size(), want.rows.size());
  for (std::size_t j = 0; j < items.size(); ++j) {
    const item_result& item = items[j];
    ASSERT_EQ(item.id, want.at(j, "item"));
    EXPECT_EQ(item.answered, static_cast<std::int64_t>(*want.number(j, "n"))) << item.id;
    EXPECT_NEAR(*item.mean_points, *want.number(j, "mean"), 1e-12) << item.id;
    EXPECT_NEAR(*item.stats.sd, *want.number(j, "sd"), 1e-12) << item.id;
    // Quantiles from the exact option counts equal R's quantile(type = 7).
    EXPECT_EQ(*item.stats.min, *want.number(j, "min")) << item.id;
    EXPECT_EQ(*item.stats.q1, *want.number(j, "q1")) << item.id;
    EXPECT_EQ(*item.stats.median, *want.number(j, "median")) << item.id;
    EXPECT_EQ(*item.stats.q3, *want.number(j, "q3")) << item.id;
    EXPECT_EQ(*item.stats.max, *want.number(j, "max")) << item.id;
  }
}

// Every scale (five dimensions and "all"), all respondents and each gender, against psych::alpha
// with use = "pairwise" (psych's default) or use = "complete.obs" (listwise).
void expect_alpha_matches(const report& r, const std::string& missing) {
  const auto want = fixtures::read_reference_csv(fixtures::reference_path("psych/bfi_alpha.csv"));
  std::size_t compared = 0;
  double worst = 0.0;
  auto check = [&](const std::optional<double>& got, const std::optional<double>& expected, const std::string& what) {
    ASSERT_TRUE(expected.has_value()) << what;
    ASSERT_TRUE(got.has_value()) << what;
    worst = std::max(worst, std::fabs(*got - *expected));
    EXPECT_NEAR(*got, *expected, 1e-10) << what;
    ++compared;
  };
  for (const auto& rel : r.reliability) {
    ASSERT_EQ(rel.missing, missing);
    const std::string group = rel.group.empty() ? "all" : rel.group;
    bool found = false;
    for (std::size_t row = 0; row < want.rows.size(); ++row) {
      if (want.at(row, "scale") != rel.scale || want.at(row, "group") != group || want.at(row, "missing") != missing)
        continue;
      const std::string& item = want.at(row, "item");
      const std::string where = rel.scale + "/" + group + "/" + missing + "/" + item;
      if (item.empty()) {
        found = true;
        EXPECT_EQ(rel.n, static_cast<std::int64_t>(*want.number(row, "n"))) << where;
        check(rel.alpha, want.number(row, "raw_alpha"), where + " raw alpha");
        check(rel.alpha_std, want.number(row, "std_alpha"), where + " standardised alpha");
        continue;
      }
      const auto it = std::find_if(rel.items.begin(), rel.items.end(), [&](const auto& i) { return i.id == item; });
      ASSERT_NE(it, rel.items.end()) << where;
      check(it->item_rest_r, want.number(row, "r_drop"), where + " item-rest r");
      check(it->alpha_if_dropped, want.number(row, "alpha_if_dropped"), where + " alpha if dropped");
      check(it->alpha_std_if_dropped, want.number(row, "std_alpha_if_dropped"), where + " std alpha if dropped");
    }
    EXPECT_TRUE(found) << rel.scale << "/" << group;
  }
  // 6 scales x 3 groups, each with 2 alphas, and 5 (25 for "all") items with 3 figures each.
  EXPECT_EQ(compared, 3U * (6U * 2U + 5U * 5U * 3U + 25U * 3U));
  ::testing::Test::RecordProperty("worst_absolute_difference_" + missing, std::to_string(worst));
  std::cout << "alpha, " << missing << ": worst absolute difference to psych " << worst << "\n";
}

TEST(reference_psych, pairwise_alpha_matches_psych) {
  const report r = bfi_report(bfi_definition());
  EXPECT_EQ(r.statistics.reliability, "pairwise");
  EXPECT_EQ(r.reliability.size(), 6U * 3U);
  expect_alpha_matches(r, "pairwise");
}

TEST(reference_psych, listwise_alpha_matches_psych) {
  instrument def = bfi_definition();
  def.statistics.reliability = missing_rule::listwise;
  const report r = bfi_report(def);
  expect_alpha_matches(r, "listwise");
}

}  // namespace
