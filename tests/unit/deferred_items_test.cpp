// report_options::defer_items: finalize keeps each unit's answer counts instead of its item
// results, and items_of() makes them on demand. The items are the hand-worked ones of
// finalize_test.cpp, the written reports are byte for byte those of a report with its items, and
// a unit's items follow its id.
#include "qscore/report/unit_items.hpp"

#include <algorithm>
#include <sstream>

#include <gtest/gtest.h>

#include "qscore/compare/snapshot.hpp"
#include "qscore/io/write_json.hpp"
#include "qscore/io/write_text.hpp"
#include "qscore/report/finalize.hpp"
#include "support/report_of_rows.hpp"
#include "support/small_appraisal.hpp"

namespace {

using namespace qscore;

report score_rows(const std::vector<fixtures::text_row>& rows, instrument def, bool defer_items) {
  report_options options;
  options.defer_items = defer_items;
  return fixtures::report_of_rows(rows, std::move(def), options);
}

std::size_t position_of(const report& r, const std::string& id) {
  for (std::size_t i = 0; i < r.units.size(); ++i)
    if (r.units[i].id == id) return i;
  throw std::runtime_error("no unit " + id);
}

// 40 open units of 7 ballots each over two groups, a cell of them under min_cell = 3: some units
// and cells are withheld, so the withheld items are made too.
std::vector<fixtures::text_row> forty_units() {
  std::vector<fixtures::text_row> rows;
  const std::string_view codes[] = {"1", "2", "3", "4", ""};
  for (int u = 0; u < 40; ++u)
    for (int i = 0; i < 7 - u % 5; ++i) {
      const int x = u * 7 + i;
      rows.push_back({x % 3 == 0 ? "g2" : "g1", "u" + std::to_string(u),
                      {codes[x % 5], codes[(x / 5) % 4], codes[(x * 3) % 5]},
                      std::to_string(0.7 + 0.013 * (x % 29))});
    }
  return rows;
}

instrument forty_units_definition() {
  instrument def = fixtures::small_appraisal();
  def.units.clear();
  def.privacy.min_cell = 3;
  return def;
}

TEST(deferred_items, the_report_holds_counts_and_items_of_makes_the_hand_worked_items) {
  const report r = score_rows(fixtures::small_appraisal_rows(), fixtures::small_appraisal(), true);
  ASSERT_NE(r.deferred, nullptr);
  for (const auto& u : r.units) EXPECT_TRUE(u.items.empty()) << u.id;

  std::vector<item_result> scratch;
  const std::vector<item_result>& u1 = items_of(r, position_of(r, "u1"), scratch);
  ASSERT_EQ(u1.size(), 3U);
  // Valid ballots of u1 answered q1 with 1, 2, 3: three answers, two positive; points 100, 75, 55.
  EXPECT_EQ(u1[0].id, "q1");
  EXPECT_EQ(u1[0].answered, 3);
  EXPECT_EQ(u1[0].blank, 0);
  EXPECT_NEAR(*u1[0].satisfaction_rate, 2.0 / 3.0, 1e-15);
  EXPECT_NEAR(*u1[0].mean_points, (100.0 + 75.0 + 55.0) / 3.0, 1e-12);
  // q2: codes 1, 3, 4 -> answered 2 (one positive), one don't know; each option 1/3 of 3.
  EXPECT_EQ(u1[1].answered, 2);
  EXPECT_EQ(u1[1].non_answers, 1);
  ASSERT_EQ(u1[1].options.size(), 4U);
  EXPECT_EQ(u1[1].options[0].count, 1);
  EXPECT_EQ(u1[1].options[1].count, 0);
  EXPECT_NEAR(u1[1].options[3].share, 1.0 / 3.0, 1e-15);
  // u2 q3: one blank, one "2". The scratch is reused: u1's items are gone.
  const std::vector<item_result>& u2 = items_of(r, position_of(r, "u2"), scratch);
  EXPECT_EQ(u2[2].blank, 1);
  EXPECT_EQ(u2[2].answered, 1);
}

TEST(deferred_items, a_report_with_deferred_items_writes_the_same_bytes) {
  const report built = score_rows(forty_units(), forty_units_definition(), false);
  const report deferred = score_rows(forty_units(), forty_units_definition(), true);
  ASSERT_EQ(built.deferred, nullptr);
  const auto withheld = std::count_if(built.units.begin(), built.units.end(),
                                      [](const unit_result& u) { return u.suppressed != suppression::none; });
  ASSERT_GT(withheld, 0);  // withheld units' items are made withheld as finalize makes them
  EXPECT_EQ(to_json(deferred).dump(), to_json(built).dump());
  for (const unsigned threads : {1U, 3U}) {
    write_options options;
    options.threads = threads;
    std::ostringstream built_json, deferred_json, built_text, deferred_text;
    write_json(built_json, built, options);
    write_json(deferred_json, deferred, options);
    write_text(built_text, built, options);
    write_text(deferred_text, deferred, options);
    EXPECT_EQ(deferred_json.str(), built_json.str());
    EXPECT_EQ(deferred_text.str(), built_text.str());
  }
  const report_snapshot a = snapshot_of(built), b = snapshot_of(deferred);
  ASSERT_EQ(a.units.size(), b.units.size());
  for (std::size_t i = 0; i < a.units.size(); ++i) {
    ASSERT_EQ(a.units[i].items.size(), 3U);
    ASSERT_EQ(b.units[i].items.size(), 3U);
    for (std::size_t j = 0; j < 3; ++j) EXPECT_EQ(b.units[i].items[j].mean_points, a.units[i].items[j].mean_points);
  }
}

TEST(deferred_items, a_units_items_follow_its_id_when_the_units_are_reordered) {
  const report built = score_rows(forty_units(), forty_units_definition(), false);
  report deferred = score_rows(forty_units(), forty_units_definition(), true);
  std::reverse(deferred.units.begin(), deferred.units.end());
  deferred.units.erase(deferred.units.begin() + 5);
  std::vector<item_result> scratch;
  for (std::size_t i = 0; i < deferred.units.size(); ++i) {
    const unit_result& twin = built.units[position_of(built, deferred.units[i].id)];
    const std::vector<item_result>& items = items_of(deferred, i, scratch);
    ASSERT_EQ(items.size(), twin.items.size());
    for (std::size_t j = 0; j < items.size(); ++j) {
      EXPECT_EQ(items[j].answered, twin.items[j].answered) << deferred.units[i].id;
      EXPECT_EQ(items[j].non_answers, twin.items[j].non_answers);
      EXPECT_EQ(items[j].blank, twin.items[j].blank);
      EXPECT_EQ(items[j].satisfaction_rate, twin.items[j].satisfaction_rate);
    }
  }
  // A unit the program adds itself has no counts: its own (empty) items.
  unit_result added;
  added.id = "added";
  deferred.units.push_back(added);
  EXPECT_TRUE(items_of(deferred, deferred.units.size() - 1, scratch).empty());
}

}  // namespace
