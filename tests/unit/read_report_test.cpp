// read_report / read_report_from_string on JSON reports written by hand, and the errors for
// text that is not JSON, JSON that is not a report, and fields of the wrong type.
#include "qscore/io/read_report.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "qscore/io/write_json.hpp"

namespace {

using namespace qscore;

// A small report in the shape write_json writes (fields compare does not read are left out,
// as a reader must ignore them anyway; one extra unknown field shows that).
// u2: group b unpublished (null mean), group a suppressed (a mean is present but the cell is
// flagged), item q1 with null mean points.
const std::string report_json = R"({
  "qscore_version": "0.4.0",
  "questionnaire": {"id": "tiny", "version": "1", "title": "Tiny", "points": 80, "language": "en",
                    "fingerprint": "f00d"},
  "units": [
    {"id": "u2", "label": "Water", "rank": 1, "ranked": true, "not_ranked_reason": null,
     "total": 58.8, "score": 73.5, "valid": 3, "future_field": [1, 2],
     "groups": [{"id": "a", "label": "A", "n": 2, "mean": 72.5, "share_used": 0.6, "suppressed": true},
                {"id": "b", "label": "B", "n": 0, "mean": null, "share_used": 0.4}],
     "dimensions": [{"id": "svc", "label": "Service", "score": 76.5}],
     "items": [{"id": "q1", "label": "Q1", "mean_points": null, "satisfaction_rate": 0.5}]},
    {"id": "u1", "label": "Power", "rank": null, "ranked": false, "not_ranked_reason": "too few",
     "total": null, "score": null, "valid": 0, "groups": [], "dimensions": [], "items": []}
  ]
})";

TEST(ReadReport, ReadsWhatCompareNeeds) {
  const auto s = read_report_from_string(report_json, "may.json");
  ASSERT_TRUE(s) << s.diagnostics().front().to_string();
  EXPECT_EQ(s->source, "may.json");
  EXPECT_EQ(s->qscore_version, "0.4.0");
  EXPECT_EQ(s->questionnaire_id, "tiny");
  EXPECT_EQ(s->questionnaire_version, "1");
  EXPECT_EQ(s->fingerprint, "f00d");
  EXPECT_EQ(s->language, "en");
  EXPECT_DOUBLE_EQ(s->points, 80.0);
  ASSERT_EQ(s->units.size(), 2U);
  const auto& u2 = s->units[0];
  EXPECT_EQ(u2.id, "u2");
  EXPECT_EQ(*u2.rank, 1);
  EXPECT_DOUBLE_EQ(*u2.total, 58.8);
  EXPECT_DOUBLE_EQ(*u2.score, 73.5);
  EXPECT_EQ(u2.valid, 3);
  ASSERT_EQ(u2.groups.size(), 2U);
  EXPECT_FALSE(u2.groups[0].mean);  // suppressed: not published although a number is there
  EXPECT_FALSE(u2.groups[1].mean);  // null: not published
  EXPECT_DOUBLE_EQ(*u2.groups[1].share_used, 0.4);
  EXPECT_DOUBLE_EQ(*u2.dimensions.at(0).score, 76.5);
  EXPECT_FALSE(u2.items.at(0).mean_points);
  EXPECT_DOUBLE_EQ(*u2.items.at(0).satisfaction_rate, 0.5);
  const auto& u1 = s->units[1];
  EXPECT_FALSE(u1.rank);
  EXPECT_FALSE(u1.total);
  EXPECT_EQ(u1.not_ranked_reason, "too few");
  EXPECT_FALSE(s->scorecard);
}

TEST(ReadReport, ReadsTheScorecard) {
  const std::string text = R"({"qscore_version": "0.4.0",
    "questionnaire": {"id": "q", "version": "1", "title": "", "points": 40, "language": "en"},
    "units": [],
    "scorecard": {"points": 100, "units": [
      {"id": "u1", "label": "U1", "total": 87.25, "rank": 2, "band": "B", "vetoed": false,
       "veto_reason": null, "not_ranked_reason": null,
       "components": [{"id": "survey", "label": "Survey", "points": 40, "value": 31.5},
                      {"id": "audit", "label": "Audit", "points": 60, "value": null}],
       "deductions": [{"id": "late", "points": -2}]},
      {"id": "u2", "label": "U2", "total": null, "rank": null, "band": null, "vetoed": true,
       "veto_reason": "incident", "not_ranked_reason": "vetoed", "components": [], "deductions": []}]}})";
  const auto s = read_report_from_string(text, "r.json");
  ASSERT_TRUE(s) << s.diagnostics().front().to_string();
  ASSERT_TRUE(s->scorecard);
  EXPECT_DOUBLE_EQ(s->scorecard->points, 100.0);
  ASSERT_EQ(s->scorecard->units.size(), 2U);
  const auto& u1 = s->scorecard->units[0];
  EXPECT_DOUBLE_EQ(*u1.total, 87.25);
  EXPECT_EQ(*u1.rank, 2);
  EXPECT_EQ(u1.band, "B");
  ASSERT_EQ(u1.components.size(), 2U);
  EXPECT_DOUBLE_EQ(u1.components[0].points, 40.0);
  EXPECT_DOUBLE_EQ(*u1.components[0].value, 31.5);
  EXPECT_FALSE(u1.components[1].value);
  const auto& u2 = s->scorecard->units[1];
  EXPECT_TRUE(u2.vetoed);
  EXPECT_EQ(u2.veto_reason, "incident");
  EXPECT_FALSE(u2.total);
}

// The reader reads what the writer writes: a report built by hand goes through write_json and
// comes back with the same values as snapshot_of gives for it.
TEST(ReadReport, RoundTripsWriteJson) {
  report r;
  r.questionnaire_id = "tiny";
  r.questionnaire_version = "3";
  r.language = "zh";
  r.points = 80;
  unit_result u;
  u.id = "u1";
  u.label = "供电公司";
  u.total = 57.68;
  u.score = 72.1;
  u.rank = 2;
  u.valid = 3;
  group_result g;
  g.id = "a";
  g.label = "代表";
  g.n = 2;
  g.mean = 83.5;
  g.share_used = 0.6;
  u.groups.push_back(g);
  g.id = "b";
  g.mean.reset();
  u.groups.push_back(g);
  item_result item;
  item.id = "q2";
  item.mean_points = 77.5;
  item.satisfaction_rate = 0.5;
  u.items.push_back(item);
  dimension_result d;
  d.id = "svc";
  d.score = 74.5;
  u.dimensions.push_back(d);
  r.units.push_back(u);
  std::ostringstream out;
  write_json(out, r);
  const auto s = read_report_from_string(out.str(), "x.json");
  ASSERT_TRUE(s) << s.diagnostics().front().to_string();
  const auto expected = snapshot_of(r, "x.json");
  EXPECT_EQ(s->questionnaire_version, "3");
  EXPECT_EQ(s->language, "zh");
  ASSERT_EQ(s->units.size(), 1U);
  const auto& got = s->units[0];
  EXPECT_EQ(got.label, expected.units[0].label);
  EXPECT_EQ(got.total, expected.units[0].total);  // shortest round-trip: the same double
  EXPECT_EQ(got.rank, expected.units[0].rank);
  ASSERT_EQ(got.groups.size(), 2U);
  EXPECT_EQ(got.groups[0].mean, 83.5);
  EXPECT_FALSE(got.groups[1].mean);
  EXPECT_EQ(got.items.at(0).mean_points, 77.5);
  EXPECT_EQ(got.dimensions.at(0).score, 74.5);
}

diagnostic only_error(const result<report_snapshot>& r) {
  EXPECT_FALSE(r);
  EXPECT_EQ(r.diagnostics().size(), 1U);
  return r.diagnostics().empty() ? diagnostic{} : r.diagnostics().front();
}

TEST(ReadReport, NotJsonGivesLineAndColumn) {
  // The trailing comma: the parser stops at the ']' on line 3, column 3.
  const auto d = only_error(read_report_from_string("{\n  \"units\": [1,\n  ]\n}", "bad.json"));
  EXPECT_EQ(error_id(d.code), "F116");
  EXPECT_EQ(d.where.file, "bad.json");
  EXPECT_EQ(d.where.line, 3);
  EXPECT_EQ(d.where.column, 3);
  EXPECT_NE(d.message.find("not valid JSON"), std::string::npos) << d.message;
  EXPECT_EQ(d.message.find("[json.exception"), std::string::npos) << d.message;
  // Empty text.
  EXPECT_EQ(error_id(only_error(read_report_from_string("", "e.json")).code), "F116");
}

TEST(ReadReport, JsonThatIsNotAReport) {
  for (const char* text : {"[1, 2]", R"({"units": []})", "42", R"({"qscore_version": "1", "units": []})"}) {
    const auto d = only_error(read_report_from_string(text, "x.json"));
    EXPECT_EQ(error_id(d.code), "F117") << text;
    EXPECT_NE(d.message.find("expected an object with \"qscore_version\""), std::string::npos) << d.message;
  }
}

// report_json with one field replaced.
std::string with(const std::string& from, const std::string& to) {
  std::string text = report_json;
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  return text;
}

TEST(ReadReport, WrongTypesNameThePathTheValueAndWhatWasExpected) {
  struct bad_case {
    std::string from, to, path, found, expected;
  };
  const bad_case cases[] = {
      {R"("total": null)", R"("total": "n/a")", "/units/1/total", R"(found "n/a")", "a number or null"},
      {R"("rank": 1,)", R"("rank": 0,)", "/units/0/rank", "found 0", "an integer >= 1 or null"},
      {R"("rank": 1,)", R"("rank": 1.5,)", "/units/0/rank", "found 1.5", "an integer >= 1 or null"},
      {R"("valid": 3)", R"("valid": -3)", "/units/0/valid", "found -3", "an integer >= 0"},
      {R"("mean": null)", R"("mean": [72])", "/units/0/groups/1/mean", "found [72]", "a number or null"},
      {R"("satisfaction_rate": 0.5)", R"("satisfaction_rate": true)", "/units/0/items/0/satisfaction_rate",
       "found true", "a number or null"},
      {R"("points": 80)", R"("points": null)", "/questionnaire/points", "found null", "a number"},
      {R"("id": "tiny")", R"("id": 7)", "/questionnaire/id", "found 7", "a string"},
      {R"("suppressed": true)", R"("suppressed": "yes")", "/units/0/groups/0/suppressed", R"(found "yes")",
       "true or false"},
  };
  for (const auto& c : cases) {
    const auto d = only_error(read_report_from_string(with(c.from, c.to), "june.json"));
    EXPECT_EQ(error_id(d.code), "F118") << c.to;
    EXPECT_EQ(d.path, c.path) << c.to;
    EXPECT_NE(d.message.find(c.found), std::string::npos) << d.message;
    EXPECT_NE(d.message.find(c.expected), std::string::npos) << d.message;
    EXPECT_NE(d.to_string().find("june.json: error[F118]"), std::string::npos) << d.to_string();
  }
}

TEST(ReadReport, MissingFieldsAndDuplicateIds) {
  auto d = only_error(read_report_from_string(with(R"("valid": 3, )", ""), "x.json"));
  EXPECT_EQ(d.path, "/units/0/valid");
  EXPECT_NE(d.message.find("missing field 'valid'"), std::string::npos) << d.message;
  d = only_error(read_report_from_string(with(R"("id": "u1")", R"("id": "u2")"), "x.json"));
  EXPECT_EQ(error_id(d.code), "F118");
  EXPECT_EQ(d.path, "/units/1/id");
  EXPECT_NE(d.message.find("unit id 'u2' appears twice (first at /units/0)"), std::string::npos) << d.message;
  d = only_error(read_report_from_string(with(R"("groups": [],)", R"("groups": 5,)"), "x.json"));
  EXPECT_EQ(d.path, "/units/1/groups");
  EXPECT_NE(d.message.find("expected an array"), std::string::npos) << d.message;
}

TEST(ReadReport, EveryProblemIsReportedNotJustTheFirst) {
  std::string text = with(R"("total": null)", R"("total": "x")");
  const auto at = text.find(R"("score": 73.5)");
  text.replace(at, 13, R"("score": "y")");
  const auto r = read_report_from_string(text, "x.json");
  ASSERT_FALSE(r);
  ASSERT_EQ(r.diagnostics().size(), 2U);
  EXPECT_EQ(r.diagnostics()[0].path, "/units/0/score");
  EXPECT_EQ(r.diagnostics()[1].path, "/units/1/total");
}

TEST(ReadReport, Files) {
  const auto dir = std::filesystem::path(QSCORE_BINARY_DIR) / "read_report_test";
  std::filesystem::create_directories(dir);
  const auto file = dir / "may.json";
  {
    std::ofstream out(file, std::ios::binary);
    out << report_json;
  }
  const auto s = read_report(file);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->source, file.string());
  auto d = only_error(read_report(dir / "missing.json"));
  EXPECT_EQ(error_id(d.code), "F116");
  EXPECT_NE(d.message.find("cannot open"), std::string::npos) << d.message;
  d = only_error(read_report(dir));
  EXPECT_EQ(error_id(d.code), "F116");
  EXPECT_NE(d.message.find("directory"), std::string::npos) << d.message;
}

}  // namespace
