// Design-based standard errors against R's survey package on its own `api` data (apistrat: a
// sample of 200 Californian schools stratified by school type, with sampling weights pw and
// stratum population sizes fpc). The expected values in tests/reference/survey/api_expected.csv
// were made by tests/reference/survey/make_api.R (svymean, svyby, svycontrast).
//
// The data go through the path a report takes: a definition built in code, batch_builder,
// score, accumulate, finalize. Each school's api00 becomes a respondent score exactly: two items,
// "hundreds" (0..8 -> 0..1600 points) and "rest" (0..128 -> 0..256 points), weight 1 each, so the
// respondent score (200 h + 2 t) / 2 = 100 h + t = api00 (the spans are powers of two, so every
// point value is exact).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <string>

#include "qscore/data/batch_builder.hpp"
#include "qscore/plan/scoring_plan.hpp"
#include "qscore/report/finalize.hpp"
#include "qscore/score/scorer.hpp"
#include "qscore/tally/tally.hpp"
#include "support/reference_csv.hpp"

namespace {

using namespace qscore;
using fixtures::agrees;

constexpr double tolerance = 1e-9;  // relative, as the issue asks

struct expected_value {
  double mean = 0.0;
  double se = 0.0;
};

// key: estimate|domain|fpc
std::map<std::string, expected_value> expected() {
  const auto table = fixtures::read_reference_csv(fixtures::reference_path("survey/api_expected.csv"));
  std::map<std::string, expected_value> out;
  for (std::size_t r = 0; r < table.rows.size(); ++r)
    out[table.at(r, "estimate") + "|" + table.at(r, "domain") + "|" + table.at(r, "fpc")] = {
        *table.number(r, "mean"), *table.number(r, "se")};
  return out;
}

answer_scale numeric_scale(const char* id, int max, double top) {
  answer_scale s;
  s.id = id;
  s.kind = scale_kind::numeric;
  s.min = 0;
  s.max = max;
  s.points_at_min = 0.0;
  s.points_at_max = top;
  return s;
}

// The schools as respondents: group by `group_column` (stype or awards), weights pw, and either
// the groups as strata or stype as the stratum column; with or without the population sizes.
report score_api(const std::string& group_column, bool stratum_column, bool fpc,
                 const std::map<std::string, double>& shares) {
  const auto data = fixtures::read_reference_csv(fixtures::reference_path("survey/apistrat.csv"));
  instrument def;
  def.id = "api";
  def.points = 100.0;
  def.scales = {numeric_scale("hundreds", 8, 1600.0), numeric_scale("rest", 128, 256.0)};
  questionnaire_item h;
  h.id = "h";
  h.scale = "hundreds";
  questionnaire_item t;
  t.id = "t";
  t.scale = "rest";
  def.items = {h, t};
  for (const auto& [id, share] : shares) def.groups.push_back({id, label(id), share});
  def.units = {{"CA", label("California")}};
  def.columns.weight = "pw";
  if (stratum_column) def.columns.stratum = "stype";
  def.statistics.rank_replicates = 0;
  if (fpc) {
    std::map<std::string, double> population;
    for (std::size_t r = 0; r < data.rows.size(); ++r) population[data.at(r, "stype")] = *data.number(r, "fpc");
    for (const auto& [stratum, size] : population) def.statistics.population.push_back({stratum, size});
  }
  const scoring_plan plan = compile(def).value();
  batch_builder builder(plan);
  for (std::size_t r = 0; r < data.rows.size(); ++r) {
    const int api00 = static_cast<int>(*data.number(r, "api00"));
    const std::string hundreds = std::to_string(api00 / 100);
    const std::string rest = std::to_string(api00 % 100);
    const std::string_view answers[] = {hundreds, rest};
    EXPECT_TRUE(builder.add_text_row(data.at(r, group_column), "CA", answers, data.at(r, "pw"),
                                     static_cast<std::int64_t>(r + 2), data.at(r, "stype")));
  }
  const response_batch batch = builder.take();
  const score_batch scored = score(plan, batch);
  for (Eigen::Index i = 0; i < batch.rows(); ++i)  // the respondent score is api00 itself
    EXPECT_EQ(scored.score(i, 0), *data.number(static_cast<std::size_t>(i), "api00"));
  tally totals = make_tally(plan);
  accumulate(totals, plan, batch, scored);
  return finalize(plan, totals);
}

// Σ pw per value of `column`, over Σ pw: with weights constant within strata, the fixed-share
// combination of stratum means is svymean's estimate, and has its variance.
std::map<std::string, double> weight_shares(const std::string& column) {
  const auto data = fixtures::read_reference_csv(fixtures::reference_path("survey/apistrat.csv"));
  std::map<std::string, double> sums;
  double total = 0.0;
  for (std::size_t r = 0; r < data.rows.size(); ++r) {
    sums[data.at(r, column)] += *data.number(r, "pw");
    total += *data.number(r, "pw");
  }
  for (auto& [id, sum] : sums) sum /= total;
  return sums;
}

double worst_relative = 0.0;  // reported with the test (gtest --gtest_output=xml)

void expect_agrees(const std::optional<double>& got, double want, const std::string& what) {
  ASSERT_TRUE(got.has_value()) << what;
  worst_relative = std::max(worst_relative, std::fabs(*got - want) / std::fabs(want));
  EXPECT_TRUE(agrees(*got, want, tolerance)) << what << ": qscore " << *got << ", R " << want
                                             << ", relative difference " << std::fabs(*got - want) / std::fabs(want);
}

TEST(reference_survey, strata_as_groups_match_svyby_and_svymean) {
  const auto want = expected();
  for (const bool fpc : {false, true}) {
    const std::string f = fpc ? "yes" : "no";
    const report r = score_api("stype", false, fpc, weight_shares("stype"));
    ASSERT_EQ(r.units.size(), 1U);
    const unit_result& unit = r.units[0];
    for (const auto& g : unit.groups) {
      const expected_value e = want.at("svyby_stype|" + g.id + "|" + f);
      expect_agrees(g.mean, e.mean, "mean of stratum " + g.id + ", fpc " + f);
      expect_agrees(g.stats.se, e.se, "se of stratum " + g.id + ", fpc " + f);
    }
    const expected_value all = want.at("svymean|all|" + f);
    expect_agrees(unit.score, all.mean, "svymean, fpc " + f);
    expect_agrees(unit.score_se, all.se, "se of svymean, fpc " + f);
    EXPECT_EQ(r.statistics.fpc, fpc);
    EXPECT_EQ(r.statistics.strata, "groups");
  }
  RecordProperty("worst_relative_difference", std::to_string(worst_relative));
  std::cout << "worst relative difference to R so far: " << worst_relative << "\n";
}

TEST(reference_survey, domains_across_strata_match_svyby_and_svycontrast) {
  // Groups are the awards domains (Yes/No), which cut across the stype strata; the unit score is
  // 0.7 · mean(No) + 0.3 · mean(Yes), whose two means share strata (they covary).
  const auto want = expected();
  for (const bool fpc : {false, true}) {
    const std::string f = fpc ? "yes" : "no";
    const report r = score_api("awards", true, fpc, {{"No", 0.7}, {"Yes", 0.3}});
    const unit_result& unit = r.units[0];
    for (const auto& g : unit.groups) {
      const expected_value e = want.at("svyby_awards|" + g.id + "|" + f);
      expect_agrees(g.mean, e.mean, "mean of domain " + g.id + ", fpc " + f);
      expect_agrees(g.stats.se, e.se, "se of domain " + g.id + ", fpc " + f);
    }
    const expected_value c = want.at("contrast_awards_0.7_0.3|all|" + f);
    expect_agrees(unit.score, c.mean, "0.7 No + 0.3 Yes, fpc " + f);
    expect_agrees(unit.score_se, c.se, "se of 0.7 No + 0.3 Yes, fpc " + f);
    // The pooled group rows (one unit) carry the same SEs.
    for (std::size_t g = 0; g < r.groups.size(); ++g)
      expect_agrees(r.groups[g].stats.se, *unit.groups[g].stats.se, "pooled se of " + r.groups[g].id);
    EXPECT_EQ(r.statistics.strata, "stype");
    EXPECT_EQ(r.statistics.stratum_ids.size(), 3U);
  }
  RecordProperty("worst_relative_difference", std::to_string(worst_relative));
  std::cout << "worst relative difference to R so far: " << worst_relative << "\n";
}

}  // namespace
