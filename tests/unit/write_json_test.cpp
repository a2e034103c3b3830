// write_json: field names, order, values (worked out by hand in writer_fixture.hpp), nulls and
// determinism.
#include "qscore/io/write_json.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "writer_fixture.hpp"

namespace {

using nlohmann::ordered_json;
constexpr double tolerance = 1e-9;

ordered_json written(const qscore::report& r, const qscore::write_options& options = {}) {
  std::ostringstream out;
  qscore::write_json(out, r, options);
  return ordered_json::parse(out.str());
}

std::vector<std::string> keys(const ordered_json& object) {
  std::vector<std::string> out;
  for (const auto& [key, value] : object.items()) out.push_back(key);
  return out;
}

using strings = std::vector<std::string>;

TEST(WriteJson, FieldNamesAndOrderAreStable) {
  const ordered_json doc = written(qscore::test::writer_report());
  // The fields of the first release come first, in their order; the statistics (README
  // "Statistics") are appended after them.
  EXPECT_EQ(keys(doc), (strings{"qscore_version", "questionnaire", "accounting", "ranking", "units", "groups",
                                "statistics", "rank_pairs", "reliability", "privacy"}));
  EXPECT_EQ(keys(doc["questionnaire"]), (strings{"id", "version", "title", "points", "language"}));
  EXPECT_EQ(keys(doc["accounting"]),
            (strings{"rows_read", "scored", "void", "rejected", "rejected_without_unit", "rejected_by_reason",
                     "reconciles", "rejection_samples"}));
  EXPECT_EQ(keys(doc["accounting"]["rejection_samples"][0]),
            (strings{"line", "id", "column", "value", "expected"}));
  EXPECT_EQ(keys(doc["ranking"]), (strings{"min_valid", "decimals"}));
  const ordered_json& unit = doc["units"][0];
  EXPECT_EQ(keys(unit), (strings{"id", "label", "rank", "ranked", "not_ranked_reason", "total", "score", "valid",
                                 "void", "rejected", "shares_renormalised", "groups", "dimensions", "items",
                                 "weighted_n", "score_se", "score_ci_low", "score_ci_high", "total_se",
                                 "total_ci_low", "total_ci_high", "rank_low", "rank_high", "distinct_from_next",
                                 "p_next", "lonely_strata", "sd", "min", "q1", "median", "q3", "max",
                                 "suppressed", "n_below"}));
  const strings summary = {"sd", "se", "ci_low", "ci_high", "min", "q1", "median", "q3", "max"};
  strings group_keys = {"id", "label", "n", "weighted_n", "mean", "share", "share_used", "void"};
  group_keys.insert(group_keys.end(), summary.begin(), summary.end());
  group_keys.push_back("suppressed");
  group_keys.push_back("n_below");
  EXPECT_EQ(keys(unit["groups"][0]), group_keys);
  EXPECT_EQ(keys(unit["dimensions"][0]),
            (strings{"id", "label", "score", "points", "n", "weighted_n", "se", "ci_low", "ci_high", "lonely_strata",
                     "sd", "min", "max"}));
  strings item_keys = {"id", "label", "answered", "non_answers", "blank", "mean_points",
                       "satisfaction_rate", "dont_know_rate", "options"};
  item_keys.insert(item_keys.end(), summary.begin(), summary.end());
  item_keys.push_back("satisfaction_ci_low");
  item_keys.push_back("satisfaction_ci_high");
  EXPECT_EQ(keys(unit["items"][0]), item_keys);
  EXPECT_EQ(keys(unit["items"][0]["options"][0]),
            (strings{"code", "label", "count", "share", "non_answer", "positive"}));
  strings pooled_keys = {"id", "label", "n", "weighted_n", "mean", "void"};
  pooled_keys.insert(pooled_keys.end(), summary.begin(), summary.end());
  pooled_keys.push_back("suppressed");
  pooled_keys.push_back("n_below");
  EXPECT_EQ(keys(doc["groups"][0]), pooled_keys);
  EXPECT_EQ(keys(doc["privacy"]), (strings{"min_cell"}));
  EXPECT_EQ(keys(doc["statistics"]), (strings{"confidence", "z", "strata", "stratum_ids", "fpc", "sampling_weights",
                                              "rank_replicates", "rank_seed", "reliability"}));
}

TEST(WriteJson, StatisticsValues) {
  qscore::report r = qscore::test::writer_report();
  r.units[0].groups[0].stats.se = 2.5;
  r.units[0].total_se = 1.25;
  r.units[0].distinct_from_next = false;
  r.units[0].p_next = 0.25;
  r.statistics.strata = "groups";
  r.rank_pairs = {{"u2", "u1", 9.52, 1.5, 9.52 / 1.5, 2e-10, true}};
  qscore::reliability_result rel;
  rel.scale = "svc";
  rel.label = "Service";
  rel.missing = "pairwise";
  rel.n = 5;
  rel.alpha = 0.75;
  rel.items.push_back({"q1", "Q1", 5, 0.5, std::nullopt, 0.6});
  r.reliability.push_back(rel);
  const ordered_json doc = written(r);
  EXPECT_EQ(doc["units"][0]["groups"][0]["se"], 2.5);
  EXPECT_TRUE(doc["units"][0]["groups"][0]["ci_low"].is_null());
  EXPECT_EQ(doc["units"][0]["total_se"], 1.25);
  EXPECT_EQ(doc["units"][0]["distinct_from_next"], false);
  EXPECT_EQ(doc["units"][0]["p_next"], 0.25);
  EXPECT_TRUE(doc["units"][1]["distinct_from_next"].is_null());
  EXPECT_EQ(doc["statistics"]["strata"], "groups");
  EXPECT_EQ(keys(doc["rank_pairs"][0]), (strings{"upper", "lower", "difference", "se", "z", "p", "distinct"}));
  EXPECT_EQ(doc["rank_pairs"][0]["distinct"], true);
  EXPECT_EQ(keys(doc["reliability"][0]), (strings{"scale", "label", "group", "missing", "n", "alpha", "alpha_std",
                                                  "average_r", "items", "suppressed"}));
  EXPECT_TRUE(doc["reliability"][0]["group"].is_null());
  EXPECT_EQ(doc["reliability"][0]["alpha"], 0.75);
  EXPECT_EQ(keys(doc["reliability"][0]["items"][0]),
            (strings{"id", "label", "n", "item_rest_r", "alpha_if_dropped", "alpha_std_if_dropped"}));
  EXPECT_TRUE(doc["reliability"][0]["items"][0]["alpha_if_dropped"].is_null());
}

TEST(WriteJson, QuestionnaireAccountingAndRanking) {
  const ordered_json doc = written(qscore::test::writer_report());
  EXPECT_EQ(doc["qscore_version"], qscore::version_string);
  EXPECT_EQ(doc["questionnaire"]["id"], "demo");
  EXPECT_EQ(doc["questionnaire"]["version"], "1");
  EXPECT_EQ(doc["questionnaire"]["title"], "测评问卷");
  EXPECT_EQ(doc["questionnaire"]["points"], 80.0);
  EXPECT_EQ(doc["questionnaire"]["language"], "zh");

  // rows_read 10 = 5 scored + 2 void + 3 rejected.
  const ordered_json& a = doc["accounting"];
  EXPECT_EQ(a["rows_read"], 10);
  EXPECT_EQ(a["scored"], 5);
  EXPECT_EQ(a["void"], 2);
  EXPECT_EQ(a["rejected"], 3);
  EXPECT_EQ(a["rejected_without_unit"], 1);
  EXPECT_EQ(a["rejected_by_reason"], (ordered_json{{"R202", 1}, {"R203", 1}, {"R204", 1}}));
  EXPECT_EQ(a["reconciles"], true);
  ASSERT_EQ(a["rejection_samples"].size(), 3U);
  const ordered_json& bad_code = a["rejection_samples"][2];
  EXPECT_EQ(bad_code["line"], 11);
  EXPECT_EQ(bad_code["id"], "R204");
  EXPECT_EQ(bad_code["column"], "q1");
  EXPECT_TRUE(bad_code["value"].is_null());  // the answer found is not for reports (README "Privacy")
  EXPECT_NE(bad_code["expected"].get<std::string>().find("1 (满意)"), std::string::npos);

  EXPECT_EQ(doc["ranking"]["min_valid"], 1);
  EXPECT_EQ(doc["ranking"]["decimals"], 2);
}

TEST(WriteJson, UnitValues) {
  const ordered_json doc = written(qscore::test::writer_report());
  ASSERT_EQ(doc["units"].size(), 2U);

  // u2: 0.6 * 90 + 0.4 * 75 = 84; total 84 * 80 / 100 = 67.2; rank 1.
  const ordered_json& u2 = doc["units"][0];
  EXPECT_EQ(u2["id"], "u2");
  EXPECT_EQ(u2["label"], "自来水公司");
  EXPECT_EQ(u2["rank"], 1);
  EXPECT_EQ(u2["ranked"], true);
  EXPECT_TRUE(u2["not_ranked_reason"].is_null());
  EXPECT_NEAR(u2["score"].get<double>(), 84.0, tolerance);
  EXPECT_NEAR(u2["total"].get<double>(), 67.2, tolerance);
  EXPECT_EQ(u2["valid"], 2);
  EXPECT_EQ(u2["void"], 1);
  EXPECT_EQ(u2["rejected"], 1);
  EXPECT_EQ(u2["shares_renormalised"], false);
  EXPECT_NEAR(u2["dimensions"][0]["score"].get<double>(), 90.0, tolerance);
  EXPECT_NEAR(u2["dimensions"][0]["points"].get<double>(), 72.0, tolerance);

  // u1: 0.6 * 83.5 + 0.4 * 55 = 72.1; total 57.68; rank 2.
  const ordered_json& u1 = doc["units"][1];
  EXPECT_EQ(u1["id"], "u1");
  EXPECT_EQ(u1["label"], "供电公司");
  EXPECT_EQ(u1["rank"], 2);
  EXPECT_NEAR(u1["score"].get<double>(), 72.1, tolerance);
  EXPECT_NEAR(u1["total"].get<double>(), 57.68, tolerance);
  EXPECT_EQ(u1["valid"], 3);
  EXPECT_EQ(u1["void"], 1);
  EXPECT_EQ(u1["rejected"], 1);

  const ordered_json& a = u1["groups"][0];
  EXPECT_EQ(a["id"], "a");
  EXPECT_EQ(a["label"], "代表");
  EXPECT_EQ(a["n"], 2);
  EXPECT_NEAR(a["weighted_n"].get<double>(), 2.0, tolerance);
  EXPECT_NEAR(a["mean"].get<double>(), 83.5, tolerance);
  EXPECT_NEAR(a["share"].get<double>(), 0.6, tolerance);
  EXPECT_NEAR(a["share_used"].get<double>(), 0.6, tolerance);
  EXPECT_EQ(a["void"], 0);
  const ordered_json& b = u1["groups"][1];
  EXPECT_EQ(b["n"], 1);
  EXPECT_NEAR(b["mean"].get<double>(), 55.0, tolerance);
  EXPECT_EQ(b["void"], 1);

  // Dimension svc: 0.6 * 87.5 + 0.4 * 55 = 74.5 -> 59.6 points.
  EXPECT_EQ(u1["dimensions"][0]["id"], "svc");
  EXPECT_EQ(u1["dimensions"][0]["label"], "服务");
  EXPECT_NEAR(u1["dimensions"][0]["score"].get<double>(), 74.5, tolerance);
  EXPECT_NEAR(u1["dimensions"][0]["points"].get<double>(), 59.6, tolerance);

  // q1: codes 1, 2, 3 -> mean (100 + 75 + 55) / 3, satisfaction 2/3, don't know 0.
  const ordered_json& q1 = u1["items"][0];
  EXPECT_EQ(q1["id"], "q1");
  EXPECT_EQ(q1["label"], "服务态度");
  EXPECT_EQ(q1["answered"], 3);
  EXPECT_EQ(q1["non_answers"], 0);
  EXPECT_EQ(q1["blank"], 0);
  EXPECT_NEAR(q1["mean_points"].get<double>(), 230.0 / 3.0, tolerance);
  EXPECT_NEAR(q1["satisfaction_rate"].get<double>(), 2.0 / 3.0, tolerance);
  EXPECT_NEAR(q1["dont_know_rate"].get<double>(), 0.0, tolerance);
  // q2: codes 1, 3, 4 -> mean (100 + 55) / 2, satisfaction 1/2, don't know 1/3.
  const ordered_json& q2 = u1["items"][1];
  EXPECT_EQ(q2["answered"], 2);
  EXPECT_EQ(q2["non_answers"], 1);
  EXPECT_NEAR(q2["mean_points"].get<double>(), 77.5, tolerance);
  EXPECT_NEAR(q2["satisfaction_rate"].get<double>(), 0.5, tolerance);
  EXPECT_NEAR(q2["dont_know_rate"].get<double>(), 1.0 / 3.0, tolerance);
  ASSERT_EQ(q2["options"].size(), 4U);
  EXPECT_EQ(q2["options"][0]["code"], "1");
  EXPECT_EQ(q2["options"][0]["label"], "满意");
  EXPECT_EQ(q2["options"][0]["count"], 1);
  EXPECT_NEAR(q2["options"][0]["share"].get<double>(), 1.0 / 3.0, tolerance);
  EXPECT_EQ(q2["options"][0]["positive"], true);
  EXPECT_EQ(q2["options"][1]["count"], 0);
  EXPECT_EQ(q2["options"][3]["non_answer"], true);
  EXPECT_EQ(q2["options"][3]["positive"], false);
}

TEST(WriteJson, PooledGroups) {
  const ordered_json doc = written(qscore::test::writer_report());
  ASSERT_EQ(doc["groups"].size(), 2U);
  // a: (100 + 67 + 90) / 3; b: (55 + 75) / 2, 2 void ballots.
  EXPECT_EQ(doc["groups"][0]["id"], "a");
  EXPECT_EQ(doc["groups"][0]["n"], 3);
  EXPECT_NEAR(doc["groups"][0]["mean"].get<double>(), 257.0 / 3.0, tolerance);
  EXPECT_EQ(doc["groups"][1]["n"], 2);
  EXPECT_EQ(doc["groups"][1]["void"], 2);
  EXPECT_NEAR(doc["groups"][1]["mean"].get<double>(), 65.0, tolerance);
  EXPECT_NEAR(doc["groups"][1]["weighted_n"].get<double>(), 2.0, tolerance);
}

TEST(WriteJson, LanguageComesFromTheReport) {
  const ordered_json doc = written(qscore::test::writer_report("en"));
  EXPECT_EQ(doc["questionnaire"]["title"], "Demo survey");
  EXPECT_EQ(doc["questionnaire"]["language"], "en");
  EXPECT_EQ(doc["units"][0]["label"], "Water company");
}

TEST(WriteJson, MissingValuesAreNull) {
  qscore::report r = qscore::test::writer_report();
  qscore::unit_result& u = r.units[1];
  u.rank.reset();
  u.not_ranked_reason = "no valid ballot";
  u.score.reset();
  u.total.reset();
  u.groups[0].mean.reset();
  u.dimensions[0].score.reset();
  u.dimensions[0].points.reset();
  u.items[0].mean_points.reset();
  u.items[0].satisfaction_rate.reset();
  u.items[0].dont_know_rate.reset();
  r.rank_decimals.reset();
  r.accounting.rejection_samples[0].line = 0;

  const ordered_json doc = written(r);
  const ordered_json& unit = doc["units"][1];
  EXPECT_TRUE(unit["rank"].is_null());
  EXPECT_EQ(unit["ranked"], false);
  EXPECT_EQ(unit["not_ranked_reason"], "no valid ballot");
  EXPECT_TRUE(unit["score"].is_null());
  EXPECT_TRUE(unit["total"].is_null());
  EXPECT_TRUE(unit["groups"][0]["mean"].is_null());
  EXPECT_TRUE(unit["dimensions"][0]["score"].is_null());
  EXPECT_TRUE(unit["dimensions"][0]["points"].is_null());
  EXPECT_TRUE(unit["items"][0]["mean_points"].is_null());
  EXPECT_TRUE(unit["items"][0]["satisfaction_rate"].is_null());
  EXPECT_TRUE(unit["items"][0]["dont_know_rate"].is_null());
  EXPECT_TRUE(doc["ranking"]["decimals"].is_null());
  EXPECT_TRUE(doc["accounting"]["rejection_samples"][0]["line"].is_null());
}

TEST(WriteJson, DeterministicAndRoundTrips) {
  std::ostringstream first;
  std::ostringstream second;
  qscore::write_json(first, qscore::test::writer_report());
  qscore::write_json(second, qscore::test::writer_report());
  EXPECT_EQ(first.str(), second.str());
  EXPECT_EQ(first.str().back(), '\n');

  // Numbers are written in full: they read back as the same doubles.
  const qscore::report r = qscore::test::writer_report();
  const ordered_json doc = ordered_json::parse(first.str());
  EXPECT_EQ(doc["units"][1]["total"].get<double>(), *r.units[1].total);
  EXPECT_EQ(doc["units"][1]["items"][0]["mean_points"].get<double>(), *r.units[1].items[0].mean_points);
}

TEST(WriteJson, CompactOutputAndInvalidUtf8) {
  qscore::report r = qscore::test::writer_report();
  r.units[0].label = "bad \xFF byte";
  qscore::write_options options;
  options.json_indent = -1;
  std::ostringstream out;
  qscore::write_json(out, r, options);
  const std::string text = out.str();
  EXPECT_EQ(text.find('\n'), text.size() - 1);  // one line
  const ordered_json doc = ordered_json::parse(text);
  EXPECT_EQ(doc["units"][0]["label"], "bad \xEF\xBF\xBD byte");
}

// Suppression with min_cell 2 (worked out in writer_fixture.hpp): u1 a withheld as the
// complement of u1 b; u2 a and u2 b below 2; units and pooled groups published.
TEST(WriteJson, WithheldCells) {
  const ordered_json doc = written(qscore::test::writer_report("en", 2));
  EXPECT_EQ(doc["privacy"]["min_cell"], 2);
  const ordered_json& u2 = doc["units"][0];
  const ordered_json& u1 = doc["units"][1];
  ASSERT_EQ(u2["id"], "u2");
  for (const ordered_json* g : {&u2["groups"][0], &u2["groups"][1], &u1["groups"][1]}) {
    EXPECT_TRUE((*g)["n"].is_null());
    EXPECT_TRUE((*g)["weighted_n"].is_null());
    EXPECT_TRUE((*g)["mean"].is_null());
    EXPECT_TRUE((*g)["sd"].is_null());
    EXPECT_TRUE((*g)["median"].is_null());
    EXPECT_EQ((*g)["suppressed"], "below_min_cell");
    EXPECT_EQ((*g)["n_below"], 2);
  }
  const ordered_json& u1a = u1["groups"][0];
  EXPECT_TRUE(u1a["n"].is_null());
  EXPECT_TRUE(u1a["mean"].is_null());
  EXPECT_EQ(u1a["suppressed"], "complement");
  EXPECT_TRUE(u1a["n_below"].is_null());
  EXPECT_EQ(u1a["share_used"], 0.6);  // which groups had ballots is not a value
  // Units and pooled groups keep their numbers: u1 72.1, valid 3; u2 84, valid 2;
  // a n 3, mean (100 + 67 + 90) / 3; b n 2, mean (55 + 75) / 2 = 65.
  EXPECT_NEAR(u1["score"].get<double>(), 72.1, 1e-12);
  EXPECT_EQ(u1["valid"], 3);
  EXPECT_TRUE(u1["suppressed"].is_null());
  EXPECT_NEAR(u2["score"].get<double>(), 84.0, 1e-12);
  EXPECT_EQ(u2["rank"], 1);
  EXPECT_EQ(doc["groups"][0]["n"], 3);
  EXPECT_NEAR(doc["groups"][0]["mean"].get<double>(), 257.0 / 3.0, 1e-12);
  EXPECT_EQ(doc["groups"][1]["n"], 2);
  EXPECT_NEAR(doc["groups"][1]["mean"].get<double>(), 65.0, 1e-12);
  EXPECT_TRUE(doc["groups"][1]["suppressed"].is_null());
}

}  // namespace

// write_json writes the document a unit at a time (io/json_stream.hpp) rather than dumping
// to_json(r) whole; nlohmann's own dump of the whole document is the reference, byte for byte,
// for every layout: one line (-1), line breaks without indentation (0), 2 and 4 spaces; with
// units, withheld entries, text that needs escaping (quotes, a newline, a control byte, bytes
// that are not UTF-8, well-formed UTF-8 that is not ASCII) and with no unit at all. The units are
// written straight to text (detail::json_text_writer), to_json builds nlohmann values from the
// same calls: the dump of those is what the text must be.
TEST(WriteJson, WrittenUnitByUnitAsTheWholeDocumentDumps) {
  std::vector<qscore::report> reports{qscore::test::writer_report(), qscore::test::writer_report("en", 2)};
  qscore::report escaped = qscore::test::writer_report();
  escaped.units[0].label = "a \"quoted\"\nlabel with a bad \xFF byte";
  escaped.units[1].id = "u\t2";
  ASSERT_FALSE(escaped.units[0].items.empty());
  ASSERT_FALSE(escaped.units[0].items[0].options.empty());
  escaped.units[0].items[0].label = "服务态度 \x01";  // well-formed UTF-8, and a control byte
  escaped.units[0].items[0].options[0].label = "cut \xe6\xbb";  // ill-formed: nlohmann replaces it
  escaped.units[0].groups[0].label = "\xed\xa0\x80 surrogate";
  reports.push_back(escaped);
  qscore::report no_units = qscore::test::writer_report();
  no_units.units.clear();
  reports.push_back(no_units);
  // 61 units: with 3 threads the units are laid out in waves of 24 (24, 24, 13), each unit on
  // whichever thread takes it, and must still come out in order.
  qscore::report many_units = qscore::test::writer_report();
  const std::vector<qscore::unit_result> base_units = many_units.units;
  for (int copy = 0; many_units.units.size() < 61; ++copy)
    for (const auto& unit : base_units) {
      if (many_units.units.size() == 61) break;
      qscore::unit_result u = unit;
      u.id += "-" + std::to_string(copy);
      u.label += " " + std::to_string(copy);
      many_units.units.push_back(u);
    }
  reports.push_back(many_units);
  for (std::size_t i = 0; i < reports.size(); ++i)
    for (const int indent : {-1, 0, 2, 4}) {
      const std::string whole =
          qscore::to_json(reports[i]).dump(indent, ' ', false, ordered_json::error_handler_t::replace) + "\n";
      for (const unsigned threads : {1U, 3U, 0U}) {
        qscore::write_options options;
        options.json_indent = indent;
        options.threads = threads;
        std::ostringstream out;
        qscore::write_json(out, reports[i], options);
        EXPECT_EQ(out.str(), whole) << "report " << i << ", indent " << indent << ", threads " << threads;
      }
    }
}
