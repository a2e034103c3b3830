// The statistics in a report do not depend on how the data were cut: random rows split into k
// chunks, tallied separately and merged in a random order, give the single-pass report exactly
// for counts (n, option counts, quantiles from counts, reliability counts) and to 1e-12
// relative for everything else. Also: a hand-worked report with standard errors, intervals and
// rank comparisons.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "qscore/data/batch_builder.hpp"
#include "qscore/io/write_json.hpp"
#include "qscore/io/write_text.hpp"
#include "qscore/report/finalize.hpp"
#include "qscore/tally/tally.hpp"
#include "support/small_appraisal.hpp"

namespace {

using namespace qscore;

struct row {
  std::string group, unit, stratum, weight;
  std::vector<std::string_view> answers;
};

std::vector<row> random_rows(int n, unsigned seed) {
  static const std::string_view codes[] = {"1", "2", "3", "4", ""};
  static const char* regions[] = {"north", "south", "east"};
  std::mt19937 rng(seed);
  std::vector<row> rows;
  for (int i = 0; i < n; ++i) {
    row r;
    r.group = rng() % 3 ? "g1" : "g2";
    r.unit = "u" + std::to_string(1 + rng() % 3);
    r.stratum = regions[rng() % 3];
    r.weight = std::to_string(0.25 + static_cast<double>(rng() % 300) / 100.0);
    for (int j = 0; j < 3; ++j) r.answers.push_back(codes[rng() % 5]);
    rows.push_back(std::move(r));
  }
  return rows;
}

instrument weighted_stratified() {
  instrument def = fixtures::small_appraisal();
  def.columns.weight = "w";
  def.columns.stratum = "region";
  def.statistics.reliability = missing_rule::pairwise;
  def.statistics.reliability_by_group = true;
  def.statistics.population = {{"north", 4000.0}, {"south", 2500.0}};  // east: no correction
  def.statistics.rank_replicates = 500;
  return def;
}

tally tally_of(const scoring_plan& plan, const std::vector<row>& rows, std::size_t begin, std::size_t end) {
  batch_builder builder(plan, 97);
  tally t = make_tally(plan);
  for (std::size_t i = begin; i < end; ++i) {
    builder.add_text_row(rows[i].group, rows[i].unit, rows[i].answers, rows[i].weight, 0, rows[i].stratum);
    if (builder.full() || i + 1 == end) {
      const response_batch batch = builder.take();
      accumulate(t, plan, batch, score(plan, batch));
    }
  }
  return t;
}

void expect_close(const std::optional<double>& got, const std::optional<double>& want, const std::string& what) {
  ASSERT_EQ(got.has_value(), want.has_value()) << what;
  if (!want) return;
  EXPECT_NEAR(*got, *want, 1e-12 * std::max(1.0, std::fabs(*want))) << what;
}

void expect_summary(const value_summary& got, const value_summary& want, const std::string& what) {
  expect_close(got.sd, want.sd, what + " sd");
  expect_close(got.se, want.se, what + " se");
  expect_close(got.ci_low, want.ci_low, what + " ci_low");
  expect_close(got.ci_high, want.ci_high, what + " ci_high");
  // min, max and quantiles come from exact values and counts.
  EXPECT_EQ(got.min, want.min) << what;
  EXPECT_EQ(got.q1, want.q1) << what;
  EXPECT_EQ(got.median, want.median) << what;
  EXPECT_EQ(got.q3, want.q3) << what;
  EXPECT_EQ(got.max, want.max) << what;
}

TEST(stats_merge, chunks_in_any_order_give_the_single_pass_statistics) {
  const scoring_plan plan = compile(weighted_stratified()).value();
  const auto rows = random_rows(7000, 17);
  const report expected = finalize(plan, tally_of(plan, rows, 0, rows.size()));
  std::mt19937 rng(23);
  for (int trial = 0; trial < 4; ++trial) {
    const std::size_t k = 2 + rng() % 7;
    std::vector<std::size_t> cuts = {0, rows.size()};
    for (std::size_t c = 1; c < k; ++c) cuts.push_back(rng() % rows.size());
    std::sort(cuts.begin(), cuts.end());
    std::vector<tally> parts;
    for (std::size_t c = 0; c + 1 < cuts.size(); ++c) parts.push_back(tally_of(plan, rows, cuts[c], cuts[c + 1]));
    std::shuffle(parts.begin(), parts.end(), rng);
    tally merged = make_tally(plan);
    for (const auto& part : parts) merge(merged, part);
    const report got = finalize(plan, merged);

    ASSERT_EQ(got.units.size(), expected.units.size());
    for (std::size_t u = 0; u < got.units.size(); ++u) {
      const unit_result& g = got.units[u];
      const unit_result& e = expected.units[u];
      ASSERT_EQ(g.id, e.id);
      EXPECT_EQ(g.valid, e.valid);
      expect_close(g.total, e.total, e.id + " total");
      expect_close(g.score_se, e.score_se, e.id + " score se");
      expect_close(g.total_ci_low, e.total_ci_low, e.id + " total ci");
      ASSERT_TRUE(e.total_se.has_value());
      for (std::size_t gi = 0; gi < g.groups.size(); ++gi) {
        EXPECT_EQ(g.groups[gi].n, e.groups[gi].n);
        expect_close(g.groups[gi].mean, e.groups[gi].mean, e.id + " mean");
        expect_summary(g.groups[gi].stats, e.groups[gi].stats, e.id + "/" + e.groups[gi].id);
      }
      for (std::size_t d = 0; d < g.dimensions.size(); ++d) {
        EXPECT_EQ(g.dimensions[d].n, e.dimensions[d].n);
        expect_close(g.dimensions[d].se, e.dimensions[d].se, e.id + " dimension se");
      }
      for (std::size_t j = 0; j < g.items.size(); ++j) {
        EXPECT_EQ(g.items[j].answered, e.items[j].answered);
        expect_summary(g.items[j].stats, e.items[j].stats, e.id + " item " + e.items[j].id);
        EXPECT_EQ(g.items[j].satisfaction_ci_low, e.items[j].satisfaction_ci_low);
      }
    }
    for (std::size_t gi = 0; gi < got.groups.size(); ++gi) expect_summary(got.groups[gi].stats, expected.groups[gi].stats, "pooled");
    ASSERT_EQ(got.reliability.size(), expected.reliability.size());
    for (std::size_t s = 0; s < got.reliability.size(); ++s) {
      EXPECT_EQ(got.reliability[s].n, expected.reliability[s].n);
      // Reliability comes from exact counts: the same numbers, bit for bit.
      EXPECT_EQ(got.reliability[s].alpha, expected.reliability[s].alpha);
      EXPECT_EQ(got.reliability[s].alpha_std, expected.reliability[s].alpha_std);
    }
    ASSERT_EQ(got.rank_pairs.size(), expected.rank_pairs.size());
  }
}

// The JSON report of `rows` tallied in batches of `capacity` rows.
std::string json_in_batches(const scoring_plan& plan, const std::vector<row>& rows, Eigen::Index capacity) {
  const bool stratified = !plan.definition->columns.stratum.empty();
  batch_builder builder(plan, capacity);
  tally t = make_tally(plan);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    builder.add_text_row(rows[i].group, rows[i].unit, rows[i].answers, rows[i].weight, 0,
                         stratified ? std::string_view(rows[i].stratum) : std::string_view());
    if (builder.full() || i + 1 == rows.size()) {
      const response_batch batch = builder.take();
      accumulate(t, plan, batch, score(plan, batch));
    }
  }
  return to_json(finalize(plan, t)).dump();
}

TEST(stats_merge, any_batch_size_gives_identical_json) {
  // Cutting rows into batches never changes a byte of the report (block edges are row counts).
  const scoring_plan plan = compile(weighted_stratified()).value();
  const auto rows = random_rows(3000, 29);
  const std::string one = json_in_batches(plan, rows, 4096);
  EXPECT_EQ(json_in_batches(plan, rows, 1), one);
  EXPECT_EQ(json_in_batches(plan, rows, 333), one);
}

TEST(stats_merge, cells_tallied_together_keep_the_row_by_row_blocks_and_folds) {
  // accumulate adds a batch's rows cell by cell (tally.hpp, add_valid_rows), closing a cell's
  // block and folding its moments where its rows cross an edge, or at the end of the batch. With
  // one row a batch nothing is regrouped: that is the row-by-row order. 20,000 rows span two
  // folds of the moments (8 blocks of 1,024 rows) and a half; batches of 1,023 and 8,191 rows
  // end just before edges, 9,000 rows take a fold edge inside a batch, and one batch takes them
  // all. The standard errors' last bits show a fold taken a block early or late.
  for (const bool stratified : {true, false}) {
    instrument def = weighted_stratified();
    if (!stratified) {
      def.columns.stratum.clear();
      def.statistics.population.clear();  // it names regions
    }
    const scoring_plan plan = compile(def).value();
    const auto rows = random_rows(20000, 31);
    const std::string row_by_row = json_in_batches(plan, rows, 1);
    for (const Eigen::Index capacity : {1023, 8191, 9000, 20000})
      EXPECT_EQ(json_in_batches(plan, rows, capacity), row_by_row) << "stratified " << stratified << ", batches of " << capacity;
  }
}

// tally::reset empties a tally for another part, keeping its storage (a parallel run recycles
// merged segments' tallies that way): parts tallied each into the previous part's tally, reset,
// merge to the same report, byte for byte, as parts tallied into fresh tallies. With strata of
// their own and as the groups, units declared and open (a reset tally keeps the units it has
// seen, empty), rejected rows, and parts of over 1,024 valid ballots a cell, so that the score
// counts (not just the uncounted keys) have something in them to empty.
TEST(stats_merge, a_reset_tally_merges_as_a_fresh_one_would) {
  for (const bool stratified : {true, false})
    for (const bool open_units : {false, true}) {
      instrument def = weighted_stratified();
      if (!stratified) {
        def.columns.stratum.clear();
        def.statistics.population.clear();
      }
      if (open_units) def.units.clear();
      const scoring_plan plan = compile(def).value();
      auto rows = random_rows(20000, 37);
      for (std::size_t i = 0; i < rows.size(); i += 97) rows[i].answers[1] = "x";  // rejected
      // Open units: the last part meets a unit of its own, after the ones it shares.
      if (open_units)
        for (std::size_t i = 19990; i < rows.size(); ++i) rows[i].unit = "u9";
      const std::size_t cuts[] = {0, 9000, 9500, 20000};
      const auto tally_into = [&](tally& t, std::size_t begin, std::size_t end) {
        batch_builder builder(plan, 1000);
        for (std::size_t i = begin; i < end; ++i) {
          builder.add_text_row(rows[i].group, rows[i].unit, rows[i].answers, rows[i].weight, 0,
                               stratified ? std::string_view(rows[i].stratum) : std::string_view());
          if (builder.full() || i + 1 == end) {
            const response_batch batch = builder.take();
            accumulate(t, plan, batch, score(plan, batch));
          }
        }
        t.close_block();  // as a segment's reader leaves it
      };
      tally fresh_parts = make_tally(plan), reset_parts = make_tally(plan);
      tally recycled = make_tally(plan);
      for (std::size_t c = 0; c + 1 < std::size(cuts); ++c) {
        tally fresh = make_tally(plan);
        tally_into(fresh, cuts[c], cuts[c + 1]);
        merge(fresh_parts, fresh);
        recycled.reset();
        tally_into(recycled, cuts[c], cuts[c + 1]);
        merge(reset_parts, recycled);
      }
      const std::string want = to_json(finalize(plan, fresh_parts)).dump();
      EXPECT_EQ(to_json(finalize(plan, reset_parts)).dump(), want)
          << "stratified " << stratified << ", open units " << open_units;
      if (open_units) {
        EXPECT_NE(want.find("\"u9\""), std::string::npos);  // the last part's own unit is there
      }
    }
}

TEST(stats_report, hand_worked_standard_errors_and_rank_pairs) {
  // Small appraisal, no weights, strata = groups. Unit u2 (all group g1): scores 275/3 and 75.
  //   mean 250/3; s² = ((275/3 − 250/3)² + (75 − 250/3)²) / 1 = 2 · (25/3)² = 1250/9;
  //   se = s / √2 = √(625/9) = 25/3. Group g2 absent: the score is g1's mean, se 25/3;
  //   total = 0.8 · score, total se = 0.8 · 25/3 = 20/3.
  // Unit u1: g1 scores 93.75 and 76.25 (mean 85, se = |93.75 − 76.25| / 2 = 8.75), g2 one
  //   score 55 (no se of its own: a stratum of one, which adds nothing to the unit's se):
  //   score se = 0.6 · 8.75 = 5.25, total se = 0.8 · 5.25 = 4.2, one lonely stratum.
  const scoring_plan plan = compile(fixtures::small_appraisal()).value();
  batch_builder builder(plan);
  for (const auto& r : fixtures::small_appraisal_rows()) builder.add_text_row(r.group, r.unit, r.answers, r.weight);
  const response_batch batch = builder.take();
  tally t = make_tally(plan);
  accumulate(t, plan, batch, score(plan, batch));
  const report r = finalize(plan, t);
  const unit_result* u1 = nullptr;
  const unit_result* u2 = nullptr;
  for (const auto& u : r.units) {
    if (u.id == "u1") u1 = &u;
    if (u.id == "u2") u2 = &u;
  }
  ASSERT_TRUE(u1 && u2);
  EXPECT_NEAR(*u2->groups[0].stats.se, 25.0 / 3.0, 1e-12);
  EXPECT_NEAR(*u2->groups[0].stats.sd, std::sqrt(1250.0 / 9.0), 1e-12);
  EXPECT_NEAR(*u2->score_se, 25.0 / 3.0, 1e-12);
  EXPECT_NEAR(*u2->total_se, 20.0 / 3.0, 1e-12);
  EXPECT_NEAR(*u2->total_ci_low, *u2->total - 1.959963984540054 * 20.0 / 3.0, 1e-12);
  EXPECT_NEAR(*u1->groups[0].stats.se, 8.75, 1e-12);
  EXPECT_FALSE(u1->groups[1].stats.se.has_value());
  EXPECT_NEAR(*u1->score_se, 5.25, 1e-12);
  EXPECT_NEAR(*u1->total_se, 4.2, 1e-12);
  EXPECT_EQ(u1->lonely_strata, 1);
  EXPECT_EQ(u2->lonely_strata, 0);
  // Quartiles of g1 in u1 (93.75, 76.25): type 7 -> 80.625, 85, 89.375.
  EXPECT_DOUBLE_EQ(*u1->groups[0].stats.q1, 80.625);
  EXPECT_DOUBLE_EQ(*u1->groups[0].stats.median, 85.0);
  EXPECT_DOUBLE_EQ(*u1->groups[0].stats.q3, 89.375);
  EXPECT_EQ(*u1->groups[0].stats.min, 76.25);
  EXPECT_EQ(*u1->groups[0].stats.max, 93.75);
  // u2 (total 0.8 · 250/3 = 200/3) ranks 1st and u1 (0.8 · (0.6 · 85 + 0.4 · 55) = 58.4) 2nd;
  // u3 has one ballot: not ranked. d = 200/3 − 58.4, se = √((20/3)² + 4.2²), p = 2(1 − Φ(d/se))
  // = 0.294: not distinguishable.
  ASSERT_EQ(r.rank_pairs.size(), 1U);
  EXPECT_EQ(r.rank_pairs[0].upper, "u2");
  const double d = 200.0 / 3.0 - 58.4;
  const double se = std::sqrt(400.0 / 9.0 + 4.2 * 4.2);
  EXPECT_NEAR(r.rank_pairs[0].difference, d, 1e-12);
  EXPECT_NEAR(*r.rank_pairs[0].se, se, 1e-12);
  EXPECT_NEAR(*r.rank_pairs[0].p, std::erfc(d / se / std::sqrt(2.0)), 1e-12);
  EXPECT_FALSE(*r.rank_pairs[0].distinct);
  EXPECT_FALSE(*u2->distinct_from_next);
  EXPECT_EQ(*u2->rank_low, 1);
  EXPECT_EQ(*u2->rank_high, 2);
  EXPECT_EQ(*u1->rank_low, 1);
  EXPECT_EQ(*u1->rank_high, 2);
  // Item q1 in u1: answers 1 (100), 2 (75), 3 (55) -> satisfaction 2/3; Wilson as prop.test(2, 3,
  // correct = FALSE)$conf.int -> 0.20765960080204782 0.93850805527960379.
  EXPECT_NEAR(*u1->items[0].satisfaction_ci_low, 0.20765960080204782, 1e-15);
  EXPECT_NEAR(*u1->items[0].satisfaction_ci_high, 0.93850805527960379, 1e-15);
  // Its points 55, 75, 100: mean 76.667, sd √(((55−230/3)² + (75−230/3)² + (100−230/3)²)/2).
  const double m = 230.0 / 3.0;
  EXPECT_NEAR(*u1->items[0].stats.sd,
              std::sqrt(((55 - m) * (55 - m) + (75 - m) * (75 - m) + (100 - m) * (100 - m)) / 2.0), 1e-12);
  EXPECT_EQ(*u1->items[0].stats.median, 75.0);
  // The text report shows the statistics and JSON carries them.
  std::ostringstream text;
  write_text(text, r);
  EXPECT_NE(text.str().find("95% CI"), std::string::npos);
  const auto json = to_json(r);
  EXPECT_TRUE(json["units"][0].contains("total_se"));
  EXPECT_TRUE(json["statistics"].contains("rank_seed"));
}

TEST(stats_report, distinguishable_neighbours_are_marked) {
  // Two units far apart with many ballots: distinct at 5%, rank intervals [1,1] and [2,2].
  instrument def = fixtures::small_appraisal();
  def.groups = {{"g1", label("Group 1"), 1.0}};
  const scoring_plan plan = compile(def).value();
  batch_builder builder(plan);
  const std::vector<std::string_view> high1 = {"1", "1", "1"}, high2 = {"1", "2", "1"};
  const std::vector<std::string_view> low1 = {"3", "3", "3"}, low2 = {"3", "2", "3"};
  for (int i = 0; i < 20; ++i) {
    builder.add_text_row("g1", "u1", i % 2 ? high1 : high2);
    builder.add_text_row("g1", "u2", i % 2 ? low1 : low2);
  }
  const response_batch batch = builder.take();
  tally t = make_tally(plan);
  accumulate(t, plan, batch, score(plan, batch));
  const report r = finalize(plan, t);
  ASSERT_EQ(r.rank_pairs.size(), 1U);
  EXPECT_TRUE(*r.rank_pairs[0].distinct);
  EXPECT_LT(*r.rank_pairs[0].p, 1e-10);
  EXPECT_TRUE(*r.units[0].distinct_from_next);
  EXPECT_EQ(*r.units[0].rank_low, 1);
  EXPECT_EQ(*r.units[0].rank_high, 1);
  EXPECT_EQ(*r.units[1].rank_low, 2);
  EXPECT_FALSE(r.units[1].distinct_from_next.has_value());
}

}  // namespace
