// The comparison writers (JSON, CSV, text) on one small comparison built from hand-made
// snapshots. Old: u1 "=Power" 40 (2nd), u2 供电公司 50 (1st). New: u1 61.5 (1st), u2 45 (2nd),
// u3 added (no total yet). Group a of u1: 70 -> 77.25 (+7.25); group b of u1: null -> 80.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "qscore/compare/compare.hpp"
#include "qscore/detail/display_width.hpp"
#include "qscore/io/write_comparison_csv.hpp"
#include "qscore/io/write_comparison_json.hpp"
#include "qscore/io/write_comparison_text.hpp"

namespace {

using namespace qscore;

comparison sample() {
  report_snapshot before, after;
  before.source = "may.json";
  after.source = "june.json";
  before.questionnaire_id = after.questionnaire_id = "tiny";
  before.questionnaire_version = "1";
  after.questionnaire_version = "2";
  snapshot_unit u1;
  u1.id = "u1";
  u1.label = "=Power";
  u1.total = 40.0;
  u1.rank = 2;
  u1.groups = {{"a", "A", 3, 70.0, 0.5}, {"b", "B", 0, std::nullopt, 0.5}};
  u1.items = {{"q1", "Q1", 60.0, 0.5}};
  snapshot_unit u2;
  u2.id = "u2";
  u2.label = "供电公司";
  u2.total = 50.0;
  u2.rank = 1;
  before.units = {u2, u1};
  u1.total = 61.5;
  u1.rank = 1;
  u1.groups = {{"a", "A", 3, 77.25, 0.5}, {"b", "B", 2, 80.0, 0.5}};
  u1.items = {{"q1", "Q1", 65.0, 0.75}};
  u2.total = 45.0;
  u2.rank = 2;
  snapshot_unit u3;
  u3.id = "u3";
  u3.label = "New";
  after.units = {u1, u2, u3};
  return compare(before, after).value();
}

TEST(WriteComparisonJson, Fields) {
  std::ostringstream out;
  write_comparison_json(out, sample());
  const auto doc = nlohmann::json::parse(out.str());
  EXPECT_EQ(doc["questionnaire"], "tiny");
  EXPECT_EQ(doc["basis"], "survey");
  EXPECT_EQ(doc["top"], 3);
  EXPECT_EQ(doc["old"]["source"], "may.json");
  EXPECT_EQ(doc["new"]["version"], "2");
  ASSERT_EQ(doc["warnings"].size(), 1U);  // versions 1 and 2
  EXPECT_EQ(doc["warnings"][0]["id"], "F119");
  EXPECT_EQ(doc["counts"]["compared"], 2);
  EXPECT_EQ(doc["counts"]["added"], 1);
  EXPECT_EQ(doc["counts"]["removed"], 0);
  const auto& u1 = doc["units"][0];
  EXPECT_EQ(u1["id"], "u1");
  EXPECT_EQ(u1["status"], "both");
  EXPECT_DOUBLE_EQ(u1["total"]["delta"].get<double>(), 21.5);  // 61.5 − 40
  EXPECT_EQ(u1["rank"]["old"], 2);
  EXPECT_EQ(u1["rank"]["delta"], 1);                            // 2 − 1
  EXPECT_TRUE(u1["band"]["old"].is_null());
  EXPECT_DOUBLE_EQ(u1["groups"][0]["delta"].get<double>(), 7.25);  // 77.25 − 70
  EXPECT_TRUE(u1["groups"][1]["old"].is_null());
  EXPECT_TRUE(u1["groups"][1]["delta"].is_null());
  EXPECT_DOUBLE_EQ(u1["items"][0]["satisfaction_rate"]["delta"].get<double>(), 0.25);  // 0.75 − 0.5
  ASSERT_EQ(u1["moved_most"]["groups"].size(), 1U);  // b has no delta
  EXPECT_EQ(u1["moved_most"]["groups"][0]["id"], "a");
  EXPECT_EQ(doc["units"][2]["status"], "added");
  EXPECT_TRUE(doc["units"][2]["total"]["delta"].is_null());
  EXPECT_EQ(doc["moved_most"]["items"][0]["unit"], "u1");
  EXPECT_DOUBLE_EQ(doc["moved_most"]["items"][0]["delta"].get<double>(), 5.0);  // 65 − 60
}

std::vector<std::string> lines(const std::string& text, const std::string& eol) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t at; (at = text.find(eol, start)) != std::string::npos; start = at + eol.size())
    out.push_back(text.substr(start, at - start));
  return out;
}

TEST(WriteComparisonCsv, LongTableWithEscapedLabels) {
  std::ostringstream out;
  write_comparison_csv(out, sample());
  const auto rows = lines(out.str(), "\r\n");
  ASSERT_GE(rows.size(), 8U);
  EXPECT_EQ(rows[0], "unit_id,unit_label,status,kind,id,label,old,new,delta");
  // The label "=Power" is guarded against formula injection.
  EXPECT_EQ(rows[1], "u1,'=Power,both,total,,,40,61.5,21.5");
  EXPECT_EQ(rows[2], "u1,'=Power,both,rank,,,2,1,1");
  EXPECT_EQ(rows[3], "u1,'=Power,both,survey_total,,,40,61.5,21.5");
  EXPECT_EQ(rows[5], "u1,'=Power,both,group,a,A,70,77.25,7.25");
  EXPECT_EQ(rows[6], "u1,'=Power,both,group,b,B,,80,");
  EXPECT_EQ(rows[7], "u1,'=Power,both,item_mean_points,q1,Q1,60,65,5");
  EXPECT_EQ(rows[8], "u1,'=Power,both,item_satisfaction_rate,q1,Q1,0.5,0.75,0.25");
  EXPECT_NE(out.str().find("u3,New,added,total,,,,,\r\n"), std::string::npos);
  write_options fixed;
  fixed.decimals = 1;
  std::ostringstream rounded;
  write_comparison_csv(rounded, sample(), fixed);
  EXPECT_EQ(lines(rounded.str(), "\r\n")[1], "u1,'=Power,both,total,,,40.0,61.5,21.5");
}

TEST(WriteComparisonText, SignsAndAlignment) {
  std::ostringstream out;
  write_comparison_text(out, sample());
  const std::string text = out.str();
  EXPECT_NE(text.find("warning[F119]"), std::string::npos);
  EXPECT_NE(text.find("units: 2 compared, 1 added, 0 removed"), std::string::npos);
  const auto all = lines(text, "\n");
  // The Units table: every line as wide as its rule, whatever the labels' scripts.
  std::size_t at = 0;
  while (at < all.size() && all[at] != "Units") ++at;
  ASSERT_LT(at + 5, all.size());
  const std::size_t width = detail::display_width(all[at + 2]);  // the rule
  for (std::size_t i = at + 1; i <= at + 5; ++i) EXPECT_EQ(detail::display_width(all[i]), width) << all[i];
  // u1 moved up from 2 to 1 (+1) and gained 21.50; u2 lost 5.00 and a place.
  EXPECT_NE(all[at + 3].find("+1"), std::string::npos) << all[at + 3];
  EXPECT_NE(all[at + 3].find("+21.50"), std::string::npos) << all[at + 3];
  EXPECT_NE(all[at + 4].find("供电公司"), std::string::npos);
  EXPECT_NE(all[at + 4].find("-5.00"), std::string::npos) << all[at + 4];
  EXPECT_NE(all[at + 4].find("-1"), std::string::npos) << all[at + 4];
  EXPECT_NE(all[at + 5].find("added"), std::string::npos);
}

TEST(WriteComparisonText, SignedFixed) {
  EXPECT_EQ(detail::signed_fixed(1.005, 1), "+1.0");
  EXPECT_EQ(detail::signed_fixed(0.004, 2), "0.00");   // rounds to zero: no sign
  EXPECT_EQ(detail::signed_fixed(-0.004, 2), "0.00");
  EXPECT_EQ(detail::signed_fixed(-2.5, 2), "-2.50");
  EXPECT_EQ(detail::signed_fixed(std::nullopt, 2), "-");
  EXPECT_EQ(detail::signed_rank(3), "+3");
  EXPECT_EQ(detail::signed_rank(0), "0");
  EXPECT_EQ(detail::signed_rank(-2), "-2");
}

}  // namespace
