// End-to-end through the numeric core on the hand-scored rows of support/small_appraisal.hpp:
// build -> score -> accumulate -> finalize, checking every figure against hand arithmetic.
#include "qscore/report/finalize.hpp"

#include <gtest/gtest.h>

#include "qscore/io/write_json.hpp"
#include "support/report_of_rows.hpp"
#include "support/small_appraisal.hpp"

namespace {

using namespace qscore;

report score_rows(const std::vector<fixtures::text_row>& rows, instrument def = fixtures::small_appraisal(),
                  unsigned threads = 1) {
  report_options options;
  options.threads = threads;
  return fixtures::report_of_rows(rows, std::move(def), options);
}

const unit_result& unit(const report& r, const std::string& id) {
  for (const auto& u : r.units)
    if (u.id == id) return u;
  throw std::runtime_error("no unit " + id);
}

TEST(finalize, unit_totals_by_hand) {
  const report r = score_rows(fixtures::small_appraisal_rows());
  // u1: g1 mean (93.75 + 76.25)/2 = 85; g2 mean 55 (its second ballot is void).
  //     score 0.6*85 + 0.4*55 = 51 + 22 = 73; total 80*73/100 = 58.4.
  const unit_result& u1 = unit(r, "u1");
  EXPECT_NEAR(*u1.score, 73.0, 1e-12);
  EXPECT_NEAR(*u1.total, 58.4, 1e-12);
  EXPECT_FALSE(u1.shares_renormalised);
  EXPECT_EQ(u1.valid, 3);
  EXPECT_EQ(u1.void_ballots, 1);
  EXPECT_EQ(u1.rejected, 1);
  ASSERT_EQ(u1.groups.size(), 2U);
  EXPECT_EQ(u1.groups[0].n, 2);
  EXPECT_NEAR(*u1.groups[0].mean, 85.0, 1e-12);
  EXPECT_NEAR(*u1.groups[1].mean, 55.0, 1e-12);
  EXPECT_DOUBLE_EQ(u1.groups[0].share_used, 0.6);
  // u2: only g1 answered, so its share is renormalised to 1.
  //     g1 mean (275/3 + 75)/2 = 250/3 = 83.333...; total 80 * 250/3 / 100 = 200/3.
  const unit_result& u2 = unit(r, "u2");
  EXPECT_TRUE(u2.shares_renormalised);
  EXPECT_NEAR(*u2.score, 250.0 / 3.0, 1e-12);
  EXPECT_NEAR(*u2.total, 200.0 / 3.0, 1e-12);
  EXPECT_DOUBLE_EQ(u2.groups[0].share_used, 1.0);
  EXPECT_DOUBLE_EQ(u2.groups[1].share_used, 0.0);
  EXPECT_FALSE(u2.groups[1].mean.has_value());
}

TEST(finalize, ranking_and_minimum_ballots) {
  const report r = score_rows(fixtures::small_appraisal_rows());
  // u2 (66.67) before u1 (58.4); u3 has one valid ballot, fewer than min_valid = 2.
  ASSERT_EQ(r.units.size(), 3U);
  EXPECT_EQ(r.units[0].id, "u2");
  EXPECT_EQ(r.units[0].rank, 1);
  EXPECT_EQ(r.units[1].id, "u1");
  EXPECT_EQ(r.units[1].rank, 2);
  EXPECT_EQ(r.units[2].id, "u3");
  EXPECT_FALSE(r.units[2].rank.has_value());
  EXPECT_EQ(r.units[2].not_ranked_reason, "fewer than 2 valid ballots");
  EXPECT_NEAR(*r.units[2].total, 80.0, 1e-12);  // listed with its total all the same
}

TEST(finalize, dimension_subscores_by_hand) {
  const report r = score_rows(fixtures::small_appraisal_rows());
  const unit_result& u1 = unit(r, "u1");
  // A: g1 (100 + 205/3)/2 = 505/6; g2 55  ->  0.6*505/6 + 0.4*55 = 50.5 + 22 = 72.5
  // B: g1 (75 + 100)/2 = 87.5;     g2 55  ->  0.6*87.5 + 0.4*55 = 52.5 + 22 = 74.5
  ASSERT_EQ(u1.dimensions.size(), 2U);
  EXPECT_NEAR(*u1.dimensions[0].score, 72.5, 1e-12);
  EXPECT_NEAR(*u1.dimensions[0].points, 58.0, 1e-12);  // 80 * 72.5 / 100
  EXPECT_NEAR(*u1.dimensions[1].score, 74.5, 1e-12);
  // u2, dimension B: only the second ballot answered q3 (75).
  EXPECT_NEAR(*unit(r, "u2").dimensions[1].score, 75.0, 1e-12);
}

TEST(finalize, item_statistics_by_hand) {
  const report r = score_rows(fixtures::small_appraisal_rows());
  const unit_result& u1 = unit(r, "u1");
  // Valid ballots of u1 answered q1 with 1, 2, 3: three answers, two positive.
  const item_result& q1 = u1.items[0];
  EXPECT_EQ(q1.answered, 3);
  EXPECT_EQ(q1.non_answers, 0);
  EXPECT_EQ(q1.blank, 0);
  EXPECT_NEAR(*q1.satisfaction_rate, 2.0 / 3.0, 1e-15);
  EXPECT_NEAR(*q1.dont_know_rate, 0.0, 1e-15);
  EXPECT_NEAR(*q1.mean_points, (100.0 + 75.0 + 55.0) / 3.0, 1e-12);
  // q2: codes 1, 3, 4 -> answered 2 (one positive), one don't know; each option 1/3 of 3.
  const item_result& q2 = u1.items[1];
  EXPECT_EQ(q2.answered, 2);
  EXPECT_EQ(q2.non_answers, 1);
  EXPECT_NEAR(*q2.satisfaction_rate, 0.5, 1e-15);
  EXPECT_NEAR(*q2.dont_know_rate, 1.0 / 3.0, 1e-15);
  ASSERT_EQ(q2.options.size(), 4U);
  EXPECT_EQ(q2.options[0].count, 1);
  EXPECT_EQ(q2.options[1].count, 0);
  EXPECT_NEAR(q2.options[3].share, 1.0 / 3.0, 1e-15);
  EXPECT_TRUE(q2.options[3].non_answer);
  // u2 q3: one blank, one "2".
  const item_result& u2q3 = unit(r, "u2").items[2];
  EXPECT_EQ(u2q3.blank, 1);
  EXPECT_EQ(u2q3.answered, 1);
}

TEST(finalize, accounting_reconciles) {
  const report r = score_rows(fixtures::small_appraisal_rows());
  // 8 rows: 6 valid, 1 void, 1 rejected.
  EXPECT_EQ(r.accounting.rows_read, 8);
  EXPECT_EQ(r.accounting.scored, 6);
  EXPECT_EQ(r.accounting.void_ballots, 1);
  EXPECT_EQ(r.accounting.rejected, 1);
  EXPECT_TRUE(r.accounting.reconciles());
  ASSERT_EQ(r.accounting.rejected_by_reason.size(), 1U);
  EXPECT_EQ(r.accounting.rejected_by_reason[0].id, "R204");
  ASSERT_EQ(r.accounting.rejection_samples.size(), 1U);
  EXPECT_EQ(r.accounting.rejection_samples[0].column, "q1");
  EXPECT_EQ(r.accounting.rejection_samples[0].value, "7");
}

TEST(finalize, sampling_weights_weight_the_group_mean) {
  auto rows = fixtures::small_appraisal_rows();
  rows[0].weight = "1";
  rows[1].weight = "3";
  const report r = score_rows(rows);
  // u1 g1: (1*93.75 + 3*76.25)/4 = 322.5/4 = 80.625; weighted n 4.
  //        score 0.6*80.625 + 0.4*55 = 48.375 + 22 = 70.375; total 56.3.
  const unit_result& u1 = unit(r, "u1");
  EXPECT_NEAR(*u1.groups[0].mean, 80.625, 1e-12);
  EXPECT_NEAR(u1.groups[0].weighted_n, 4.0, 1e-12);
  EXPECT_NEAR(*u1.total, 56.3, 1e-12);
}

TEST(finalize, equal_totals_share_a_rank) {
  // Three units with one-item ballots: totals 80*100/100 = 80, 80, and 80*75/100 = 60.
  instrument def = fixtures::small_appraisal();
  def.ranking.min_valid = 1;
  def.ballot.min_answered = 0.0;
  const report r = score_rows({{"g1", "u1", {"1", "1", "1"}, ""},
                               {"g1", "u2", {"1", "1", "1"}, ""},
                               {"g1", "u3", {"2", "2", "2"}, ""}},
                              def);
  EXPECT_EQ(r.units[0].rank, 1);
  EXPECT_EQ(r.units[1].rank, 1);
  EXPECT_EQ(r.units[2].rank, 3);  // competition ranking: 1, 1, 3
  EXPECT_EQ(r.units[2].id, "u3");
}

TEST(finalize, ties_are_judged_on_published_decimals) {
  // u1 scores 100 on all items -> 80.0; u2 answers 1,1,2: (200+100+75)/4 = 93.75 -> 75.0.
  // With decimals = 0 they differ (80 vs 75); a points value making them round equal:
  // points 1 -> totals 1.0 and 0.9375, which round to 1 and 1 at 0 decimals: a tie.
  instrument def = fixtures::small_appraisal();
  def.ranking.min_valid = 1;
  def.points = 1.0;
  def.ranking.decimals = 0;
  const report r = score_rows({{"g1", "u1", {"1", "1", "1"}, ""}, {"g1", "u2", {"1", "1", "2"}, ""}}, def);
  EXPECT_EQ(r.units[0].rank, 1);
  EXPECT_EQ(r.units[1].rank, 1);
  def.ranking.decimals = 2;  // 1.00 vs 0.94: no longer tied
  const report r2 = score_rows({{"g1", "u1", {"1", "1", "1"}, ""}, {"g1", "u2", {"1", "1", "2"}, ""}}, def);
  EXPECT_EQ(r2.units[1].rank, 2);
}

TEST(finalize, pooled_groups_over_all_units) {
  const report r = score_rows(fixtures::small_appraisal_rows());
  // g1 over all units: 93.75, 76.25, 275/3, 75 -> (245 + 275/3)... = (93.75+76.25+75+275/3)/4
  const double g1 = (93.75 + 76.25 + 75.0 + 275.0 / 3.0) / 4.0;
  ASSERT_EQ(r.groups.size(), 2U);
  EXPECT_EQ(r.groups[0].n, 4);
  EXPECT_NEAR(*r.groups[0].mean, g1, 1e-12);
  // g2: 55 (u1) and 100 (u3); the void ballot does not count.
  EXPECT_EQ(r.groups[1].n, 2);
  EXPECT_EQ(r.groups[1].void_ballots, 1);
  EXPECT_NEAR(*r.groups[1].mean, 77.5, 1e-12);
}

// Units are worked out on several threads and pooled in unit order: the hand-checked report of
// the tests above comes out the same at 3 threads and at every core, and so does a report of 40
// units (several waves of units at 3 threads) with fractional weights. (The pooled sums are
// compensated, so adding the units in another order would seldom change a bit: what this
// checks is that every unit's results reach the report whole and in place.)
TEST(finalize, the_report_is_the_same_for_any_thread_count) {
  const auto dumped = [](const report& r) { return to_json(r).dump(); };
  const std::string hand_checked = dumped(score_rows(fixtures::small_appraisal_rows()));
  EXPECT_EQ(dumped(score_rows(fixtures::small_appraisal_rows(), fixtures::small_appraisal(), 3)), hand_checked);
  EXPECT_EQ(dumped(score_rows(fixtures::small_appraisal_rows(), fixtures::small_appraisal(), 0)), hand_checked);

  instrument open_units = fixtures::small_appraisal();
  open_units.units.clear();
  std::vector<fixtures::text_row> rows;
  const std::string_view codes[] = {"1", "2", "3", "4", ""};
  for (int u = 0; u < 40; ++u)
    for (int i = 0; i < 7; ++i) {
      const int x = u * 7 + i;
      rows.push_back({x % 3 == 0 ? "g2" : "g1", "u" + std::to_string(u),
                      {codes[x % 5], codes[(x / 5) % 4], codes[(x * 3) % 5]},
                      std::to_string(0.7 + 0.013 * (x % 29))});
    }
  const report one = score_rows(rows, open_units, 1);
  ASSERT_EQ(one.units.size(), 40U);
  EXPECT_EQ(dumped(score_rows(rows, open_units, 3)), dumped(one));
  EXPECT_EQ(dumped(score_rows(rows, open_units, 0)), dumped(one));
}

}  // namespace

// A unit's design strata (the standard errors' input) come in stratum-id order whatever order
// the tally met the strata in, each with one part per group that has rows there, in group
// order, and with its population size; only strata where a group with a nonzero coefficient
// has rows are taken. Ids c, a, b, d met in that order: slots 0, 1, 2, 3.
TEST(finalize, unit_design_takes_strata_in_id_order_and_parts_in_group_order) {
  instrument def;
  def.groups.resize(2);
  def.groups[0].id = "g1";
  def.groups[1].id = "g2";
  def.statistics.population = {{"b", 50.0}, {"a", 10.0}};
  tally t;
  t.strata_are_groups = false;
  t.stratum_ids = {"c", "a", "b", "d"};
  const detail::stratum_order order = detail::stratum_order_of(t, def);
  EXPECT_EQ(order.rank, (std::vector<std::size_t>{2, 0, 1, 3}));  // a < b < c < d

  const auto part = [](std::size_t slot, std::int64_t n, double mean) {
    stratum_cell cell;
    cell.stratum = slot;
    cell.moments.resize(1);
    cell.moments[0].n = n;
    cell.moments[0].w = stats::dd(static_cast<double>(n));
    cell.moments[0].mean = stats::dd(mean);
    return cell;
  };
  unit_tally unit;
  unit.groups.resize(2);
  unit.groups[0].strata = {part(2, 3, 1.0), part(0, 2, 4.0)};  // g1 in b and c
  // g2 in c, a (no rows), b and d.
  unit.groups[1].strata = {part(0, 4, 0.0), part(1, 0, 0.0), part(2, 1, 0.0), part(3, 2, 0.0)};
  const detail::unit_strata strata = detail::unit_strata_of(order, unit);
  stats::design_strata out;
  const std::vector<double> coef{1.0, 2.0}, centre{10.0, 20.0};
  detail::unit_design(strata, 0, coef, centre, out);
  // a: g2's part has no rows, so a does not hold the estimate.
  ASSERT_EQ(out.size(), 3U);
  // b: population 50; g1's part, then g2's.
  EXPECT_EQ(out.populations[0], 50.0);
  ASSERT_EQ(out.stratum(0).size(), 2U);
  EXPECT_EQ(out.stratum(0)[0].m, &unit.groups[0].strata[0].moments[0]);
  EXPECT_EQ(out.stratum(0)[0].coefficient, 1.0);
  EXPECT_EQ(out.stratum(0)[0].centre, 10.0);
  EXPECT_EQ(out.stratum(0)[1].m, &unit.groups[1].strata[2].moments[0]);
  EXPECT_EQ(out.stratum(0)[1].coefficient, 2.0);
  EXPECT_EQ(out.stratum(0)[1].centre, 20.0);
  // c: no population size; g1's part, then g2's.
  EXPECT_FALSE(out.populations[1].has_value());
  ASSERT_EQ(out.stratum(1).size(), 2U);
  EXPECT_EQ(out.stratum(1)[0].m, &unit.groups[0].strata[1].moments[0]);
  EXPECT_EQ(out.stratum(1)[1].m, &unit.groups[1].strata[0].moments[0]);
  // d: g2 alone.
  ASSERT_EQ(out.stratum(2).size(), 1U);
  EXPECT_EQ(out.stratum(2)[0].m, &unit.groups[1].strata[3].moments[0]);
  // A second unit's strata are appended after the first's.
  detail::unit_design(strata, 0, coef, centre, out);
  EXPECT_EQ(out.size(), 6U);
  EXPECT_EQ(out.stratum(3)[0].m, &unit.groups[0].strata[0].moments[0]);

  // g1's mean alone: b and c, with g2's parts there at coefficient 0; d is left out.
  out.clear();
  const std::vector<double> g1_only{1.0, 0.0};
  detail::unit_design(strata, 0, g1_only, centre, out);
  ASSERT_EQ(out.size(), 2U);
  ASSERT_EQ(out.stratum(0).size(), 2U);
  EXPECT_EQ(out.stratum(0)[1].coefficient, 0.0);
  EXPECT_EQ(out.stratum(1)[1].m, &unit.groups[1].strata[0].moments[0]);

  // Each group's cells in id order: g1 b, c; g2 a, b, c, d.
  const auto g1 = strata.cells_of_group(0), g2 = strata.cells_of_group(1);
  ASSERT_EQ(g1.size(), 2U);
  EXPECT_EQ(g1[0], &unit.groups[0].strata[0]);
  EXPECT_EQ(g1[1], &unit.groups[0].strata[1]);
  ASSERT_EQ(g2.size(), 4U);
  EXPECT_EQ(g2[0], &unit.groups[1].strata[1]);
  EXPECT_EQ(g2[1], &unit.groups[1].strata[2]);
  EXPECT_EQ(g2[2], &unit.groups[1].strata[0]);
  EXPECT_EQ(g2[3], &unit.groups[1].strata[3]);
  // g1's moments merged: 3 rows of mean 1 and 2 of mean 4, so n 5 and mean (3 + 8) / 5 = 2.2.
  const stats::moments g1_moments = detail::cell_moments(strata, 0, 0);
  EXPECT_EQ(g1_moments.n, 5);
  EXPECT_NEAR(g1_moments.mean.value(), 2.2, 1e-15);
}
