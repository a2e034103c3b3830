// compare(old, new) on small snapshots written by hand; every expected change is worked out in
// the comment beside it (new − old for values, old − new for ranks).
#include "qscore/compare/compare.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace qscore;

snapshot_unit unit(std::string id, std::optional<double> total, std::optional<int> rank) {
  snapshot_unit u;
  u.id = id;
  u.label = "Unit " + id;
  u.total = total;
  u.score = total ? std::optional<double>(*total) : std::nullopt;  // points 100: score = total
  u.rank = rank;
  u.valid = 10;
  return u;
}

report_snapshot snapshot(std::string source, std::vector<snapshot_unit> units) {
  report_snapshot s;
  s.source = std::move(source);
  s.questionnaire_id = "appraisal";
  s.questionnaire_version = "2026";
  s.language = "en";
  s.points = 100;
  s.units = std::move(units);
  return s;
}

const unit_change& find(const comparison& c, const std::string& id) {
  for (const auto& u : c.units)
    if (u.id == id) return u;
  throw std::runtime_error("no unit " + id);
}

TEST(Compare, TotalsAndRanksWithSigns) {
  // Old: u2 50 (1st), u1 40 (2nd). New: u1 60 (1st), u2 45 (2nd).
  const auto before = snapshot("may.json", {unit("u2", 50, 1), unit("u1", 40, 2)});
  const auto after = snapshot("june.json", {unit("u1", 60, 1), unit("u2", 45, 2)});
  const auto c = compare(before, after);
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->warnings.empty());
  EXPECT_EQ(c->basis, "survey");
  ASSERT_EQ(c->units.size(), 2U);
  EXPECT_EQ(c->units[0].id, "u1");  // new report order
  const auto& u1 = find(*c, "u1");
  EXPECT_EQ(u1.status, presence::both);
  EXPECT_DOUBLE_EQ(*u1.total.delta, 20.0);  // 60 − 40
  EXPECT_EQ(*u1.rank.old_rank, 2);
  EXPECT_EQ(*u1.rank.new_rank, 1);
  EXPECT_EQ(*u1.rank.delta, 1);             // 2 − 1: moved up one place
  const auto& u2 = find(*c, "u2");
  EXPECT_DOUBLE_EQ(*u2.total.delta, -5.0);  // 45 − 50
  EXPECT_EQ(*u2.rank.delta, -1);            // 1 − 2: moved down
  EXPECT_DOUBLE_EQ(*u2.survey_total.delta, -5.0);
  EXPECT_EQ(c->units_compared, 2U);
  EXPECT_EQ(c->units_added + c->units_removed, 0U);
}

TEST(Compare, TiedRanks) {
  // Old: u1 and u2 tie at 50 (both 1st), u3 40 (3rd, competition ranking).
  // New: u1 55 (1st), u2 52 (2nd), u3 52 (2nd, tie).
  const auto before = snapshot("a", {unit("u1", 50, 1), unit("u2", 50, 1), unit("u3", 40, 3)});
  const auto after = snapshot("b", {unit("u1", 55, 1), unit("u2", 52, 2), unit("u3", 52, 2)});
  const auto c = compare(before, after);
  ASSERT_TRUE(c);
  EXPECT_EQ(*find(*c, "u1").rank.delta, 0);   // 1 − 1
  EXPECT_EQ(*find(*c, "u2").rank.delta, -1);  // 1 − 2
  EXPECT_EQ(*find(*c, "u3").rank.delta, 1);   // 3 − 2
  EXPECT_DOUBLE_EQ(*find(*c, "u3").total.delta, 12.0);  // 52 − 40
}

TEST(Compare, NullIsNotPublishedNeverZero) {
  auto old_u1 = unit("u1", std::nullopt, std::nullopt);
  old_u1.not_ranked_reason = "fewer than 5 valid ballots";
  old_u1.groups = {{"a", "A", 0, std::nullopt, 0.0}, {"b", "B", 3, 70.0, 1.0}};
  old_u1.items = {{"q1", "Q1", std::nullopt, std::nullopt}, {"q2", "Q2", 60.0, 0.5}};
  auto new_u1 = unit("u1", 80, 1);
  new_u1.groups = {{"a", "A", 4, 90.0, 0.6}, {"b", "B", 3, std::nullopt, 0.4}};
  new_u1.items = {{"q1", "Q1", 75.0, 0.75}, {"q2", "Q2", 70.0, std::nullopt}};
  const auto c = compare(snapshot("a", {old_u1}), snapshot("b", {new_u1}));
  ASSERT_TRUE(c);
  const auto& u = c->units.at(0);
  EXPECT_FALSE(u.total.delta);            // the old total is not published
  ASSERT_TRUE(u.total.new_value);
  EXPECT_DOUBLE_EQ(*u.total.new_value, 80.0);
  EXPECT_FALSE(u.rank.delta);             // unranked before
  EXPECT_EQ(u.old_not_ranked_reason, "fewer than 5 valid ballots");
  ASSERT_EQ(u.groups.size(), 2U);
  EXPECT_FALSE(u.groups[0].change.delta);  // a: null -> 90
  EXPECT_FALSE(u.groups[1].change.delta);  // b: 70 -> null
  ASSERT_TRUE(u.groups[1].change.old_value);
  EXPECT_DOUBLE_EQ(*u.groups[1].change.old_value, 70.0);
  EXPECT_FALSE(u.items[0].mean_points.delta);
  EXPECT_DOUBLE_EQ(*u.items[1].mean_points.delta, 10.0);  // 70 − 60
  EXPECT_FALSE(u.items[1].satisfaction_rate.delta);       // 0.5 -> null
  // Nothing without a delta is a mover.
  EXPECT_TRUE(u.top_groups.empty());
  ASSERT_EQ(u.top_items.size(), 1U);
  EXPECT_EQ(u.top_items[0].id, "q2");
}

TEST(Compare, AddedAndRemovedUnits) {
  const auto before = snapshot("a", {unit("u1", 40, 2), unit("u2", 50, 1)});
  const auto after = snapshot("b", {unit("u3", 70, 1), unit("u2", 55, 2)});
  const auto c = compare(before, after);
  ASSERT_TRUE(c);
  ASSERT_EQ(c->units.size(), 3U);
  // New report order (u3, u2), then the unit only in the old one (u1).
  EXPECT_EQ(c->units[0].id, "u3");
  EXPECT_EQ(c->units[0].status, presence::added);
  EXPECT_FALSE(c->units[0].total.old_value);
  EXPECT_FALSE(c->units[0].total.delta);
  EXPECT_EQ(c->units[1].id, "u2");
  EXPECT_EQ(c->units[1].status, presence::both);
  EXPECT_DOUBLE_EQ(*c->units[1].total.delta, 5.0);  // 55 − 50
  EXPECT_EQ(c->units[2].id, "u1");
  EXPECT_EQ(c->units[2].status, presence::removed);
  EXPECT_DOUBLE_EQ(*c->units[2].total.old_value, 40.0);
  EXPECT_FALSE(c->units[2].rank.delta);
  EXPECT_EQ(c->units_compared, 1U);
  EXPECT_EQ(c->units_added, 1U);
  EXPECT_EQ(c->units_removed, 1U);
}

TEST(Compare, DifferentQuestionnairesAreRefused) {
  auto before = snapshot("may.json", {unit("u1", 40, 1)});
  auto after = snapshot("june.json", {unit("u1", 40, 1)});
  after.questionnaire_id = "staff-survey";
  const auto c = compare(before, after);
  ASSERT_FALSE(c);
  ASSERT_EQ(c.diagnostics().size(), 1U);
  const auto& d = c.diagnostics()[0];
  EXPECT_EQ(error_id(d.code), "F119");
  EXPECT_EQ(d.level, severity::error);
  EXPECT_NE(d.message.find("'appraisal'"), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("'staff-survey'"), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("june.json"), std::string::npos) << d.message;
}

TEST(Compare, VersionFingerprintAndPointsDifferencesWarn) {
  auto before = snapshot("a", {unit("u1", 40, 1)});
  auto after = snapshot("b", {unit("u1", 40, 1)});
  after.questionnaire_version = "2027";
  before.fingerprint = "abc";
  after.fingerprint = "abd";
  after.points = 80;
  const auto c = compare(before, after);
  ASSERT_TRUE(c);
  ASSERT_EQ(c->warnings.size(), 3U);
  for (const auto& w : c->warnings) {
    EXPECT_EQ(error_id(w.code), "F119");
    EXPECT_EQ(w.level, severity::warning);
  }
  EXPECT_NE(c->warnings[0].message.find("'2026'"), std::string::npos);
  EXPECT_NE(c->warnings[0].message.find("'2027'"), std::string::npos);
  EXPECT_NE(c->warnings[1].message.find("fingerprint"), std::string::npos);
  EXPECT_NE(c->warnings[2].message.find("points differ (old 100, new 80)"), std::string::npos) << c->warnings[2].message;
  // A fingerprint on one side only is no evidence of a change: no warning for it.
  after.fingerprint.clear();
  after.points = 100;
  const auto d = compare(before, after);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->warnings.size(), 1U);
}

TEST(Compare, MovedMostOrdersByMagnitudeThenIds) {
  // Group mean changes:  u1: a +5 (70->75), b -5 (80->75), c +1 (50->51)
  //                      u2: a -5 (60->55), b +12 (40->52)
  // Overall by |Δ|: u2/b 12; then the three 5s by unit id, then group id: u1/a, u1/b, u2/a; then u1/c.
  auto o1 = unit("u1", 50, 1);
  o1.groups = {{"a", "A", 1, 70.0, 0.3}, {"b", "B", 1, 80.0, 0.3}, {"c", "C", 1, 50.0, 0.4}};
  auto n1 = o1;
  n1.groups = {{"a", "A", 1, 75.0, 0.3}, {"b", "B", 1, 75.0, 0.3}, {"c", "C", 1, 51.0, 0.4}};
  auto o2 = unit("u2", 40, 2);
  o2.groups = {{"a", "A", 1, 60.0, 0.5}, {"b", "B", 1, 40.0, 0.5}};
  auto n2 = o2;
  n2.groups = {{"a", "A", 1, 55.0, 0.5}, {"b", "B", 1, 52.0, 0.5}};
  // Items: u1 q1 +2.5 (60->62.5), q2 -2.5 (50->47.5); u2 q1 0 (70->70).
  o1.items = {{"q1", "Q1", 60.0, 0.5}, {"q2", "Q2", 50.0, 0.5}};
  n1.items = {{"q1", "Q1", 62.5, 0.5}, {"q2", "Q2", 47.5, 0.25}};
  o2.items = {{"q1", "Q1", 70.0, 0.5}};
  n2.items = {{"q1", "Q1", 70.0, 0.5}};
  // Put the new report's units in a different order from the ids, so that id order shows.
  const auto before = snapshot("a", {o2, o1});
  const auto after = snapshot("b", {n2, n1});
  compare_options options;
  options.top = 4;
  const auto c = compare(before, after, options);
  ASSERT_TRUE(c);
  ASSERT_EQ(c->top_groups.size(), 4U);
  EXPECT_EQ(c->top_groups[0].unit_id + "/" + c->top_groups[0].id, "u2/b");
  EXPECT_DOUBLE_EQ(*c->top_groups[0].change.delta, 12.0);
  EXPECT_EQ(c->top_groups[1].unit_id + "/" + c->top_groups[1].id, "u1/a");
  EXPECT_EQ(c->top_groups[2].unit_id + "/" + c->top_groups[2].id, "u1/b");
  EXPECT_EQ(c->top_groups[3].unit_id + "/" + c->top_groups[3].id, "u2/a");
  EXPECT_DOUBLE_EQ(*c->top_groups[3].change.delta, -5.0);
  // Items overall: u1/q1 and u1/q2 tie at 2.5 (q1 first), then u2/q1 at 0.
  ASSERT_EQ(c->top_items.size(), 3U);
  EXPECT_EQ(c->top_items[0].id, "q1");
  EXPECT_EQ(c->top_items[0].unit_id, "u1");
  EXPECT_EQ(c->top_items[1].id, "q2");
  EXPECT_EQ(c->top_items[2].unit_id, "u2");
  // Per unit u1: a (5), b (5) by id, then c (1).
  const auto& u1 = find(*c, "u1");
  ASSERT_EQ(u1.top_groups.size(), 3U);
  EXPECT_EQ(u1.top_groups[0].id, "a");
  EXPECT_EQ(u1.top_groups[1].id, "b");
  EXPECT_EQ(u1.top_groups[2].id, "c");
  EXPECT_DOUBLE_EQ(*u1.items[1].satisfaction_rate.delta, -0.25);  // 0.25 − 0.5

  options.top = 1;
  const auto one = compare(before, after, options);
  ASSERT_TRUE(one);
  ASSERT_EQ(one->top_groups.size(), 1U);
  EXPECT_EQ(one->top_groups[0].unit_id, "u2");
  EXPECT_EQ(find(*one, "u1").top_groups.size(), 1U);
  options.top = 0;
  const auto none = compare(before, after, options);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->top_groups.empty());
  EXPECT_TRUE(none->top_items.empty());
}

snapshot_scorecard card(std::vector<snapshot_scorecard_unit> units) {
  snapshot_scorecard s;
  s.points = 100;
  s.units = std::move(units);
  return s;
}

TEST(Compare, ScorecardIsTheBasisWhenBothHaveOne) {
  auto before = snapshot("a", {unit("u1", 40, 2), unit("u2", 50, 1)});
  auto after = snapshot("b", {unit("u1", 45, 1), unit("u2", 44, 2)});
  // Scorecard totals: old u1 82.5 (rank 2), u2 90 (rank 1); new u1 91 (rank 1), u2 0 and vetoed
  // (not ranked). Components of u1: survey 32 -> 36 (+4), audit 50.5 -> 55 (+4.5).
  before.scorecard = card({{"u1", "U1", 82.5, 2, "B", false, "", "", {{"survey", "Survey", 40, 32.0}, {"audit", "Audit", 60, 50.5}}},
                           {"u2", "U2", 90.0, 1, "A", false, "", "", {}}});
  after.scorecard = card({{"u1", "U1", 91.0, 1, "A", false, "", "", {{"survey", "Survey", 40, 36.0}, {"audit", "Audit", 60, 55.0}}},
                          {"u2", "U2", std::nullopt, std::nullopt, "", true, "safety incident", "vetoed", {}}});
  const auto c = compare(before, after);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->basis, "scorecard");
  const auto& u1 = find(*c, "u1");
  EXPECT_DOUBLE_EQ(*u1.total.delta, 8.5);          // 91 − 82.5 (scorecard)
  EXPECT_EQ(*u1.rank.delta, 1);                    // 2 − 1
  EXPECT_DOUBLE_EQ(*u1.survey_total.delta, 5.0);   // 45 − 40 (survey, always)
  ASSERT_EQ(u1.components.size(), 2U);
  EXPECT_EQ(u1.components[0].id, "survey");
  EXPECT_DOUBLE_EQ(*u1.components[0].change.delta, 4.0);   // 36 − 32
  EXPECT_DOUBLE_EQ(*u1.components[1].change.delta, 4.5);   // 55 − 50.5
  EXPECT_EQ(*u1.old_band, "B");
  EXPECT_EQ(*u1.new_band, "A");
  const auto& u2 = find(*c, "u2");
  EXPECT_FALSE(u2.total.delta);
  EXPECT_FALSE(u2.rank.delta);
  EXPECT_EQ(u2.new_not_ranked_reason, "vetoed");
  EXPECT_TRUE(*u2.new_vetoed);
  EXPECT_FALSE(*u2.old_vetoed);

  // Only one report with a scorecard: the survey is the basis, with a warning.
  after.scorecard.reset();
  const auto d = compare(before, after);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->basis, "survey");
  EXPECT_DOUBLE_EQ(*find(*d, "u1").total.delta, 5.0);
  EXPECT_TRUE(find(*d, "u1").components.empty());
  ASSERT_EQ(d->warnings.size(), 1U);
  EXPECT_NE(d->warnings[0].message.find("only the old report has a scorecard"), std::string::npos);
}

TEST(Compare, LabelsComeFromTheReportInTheChosenLanguage) {
  auto before = snapshot("a", {unit("u1", 40, 1)});
  auto after = snapshot("b", {unit("u1", 50, 1)});
  before.language = "en";
  before.units[0].label = "Power company";
  after.language = "zh";
  after.units[0].label = "供电公司";
  const auto by_default = compare(before, after);
  ASSERT_TRUE(by_default);
  EXPECT_EQ(by_default->units[0].label, "供电公司");
  ASSERT_EQ(by_default->warnings.size(), 1U);  // different languages
  compare_options options;
  options.language = "en";
  const auto english = compare(before, after, options);
  ASSERT_TRUE(english);
  EXPECT_EQ(english->units[0].label, "Power company");
}

TEST(Compare, SnapshotOfAReportInMemory) {
  report r;
  r.questionnaire_id = "q";
  r.points = 80;
  unit_result u;
  u.id = "u1";
  u.total = 40.0;
  u.rank = 1;
  group_result g;
  g.id = "a";
  g.mean = 50.0;
  u.groups.push_back(g);
  r.units.push_back(u);
  report r2 = r;
  r2.units[0].total = 44.0;
  r2.units[0].groups[0].mean = 57.5;
  const auto c = compare(snapshot_of(r, "old"), snapshot_of(r2, "new"));
  ASSERT_TRUE(c);
  EXPECT_DOUBLE_EQ(*c->units[0].total.delta, 4.0);              // 44 − 40
  EXPECT_DOUBLE_EQ(*c->units[0].groups[0].change.delta, 7.5);   // 57.5 − 50
}

}  // namespace
