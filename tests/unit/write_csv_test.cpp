// write_csv: header, one record per (unit, group), RFC 4180 quoting, formula-injection escaping,
// number formats. Values are worked out by hand in writer_fixture.hpp.
#include "qscore/io/write_csv.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "writer_fixture.hpp"

namespace {

using record = std::vector<std::string>;

std::string written(const qscore::report& r, const qscore::write_options& options = {}) {
  std::ostringstream out;
  qscore::write_csv(out, r, options);
  return out.str();
}

// A strict RFC 4180 reader: CRLF record ends, quoted fields with doubled quotes.
std::vector<record> parse(const std::string& text) {
  std::vector<record> records;
  record current;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      current.push_back(field);
      field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      current.push_back(field);
      field.clear();
      records.push_back(current);
      current.clear();
      ++i;
    } else {
      field += c;
    }
  }
  EXPECT_TRUE(field.empty() && current.empty()) << "the last record must end in CRLF";
  return records;
}

TEST(WriteCsv, HeaderAndOneRecordPerUnitAndGroup) {
  const std::vector<record> records = parse(written(qscore::test::writer_report()));
  ASSERT_EQ(records.size(), 1U + 2U * 2U);
  EXPECT_EQ(records[0], (record{"unit_id", "unit_label", "rank", "unit_total", "group_id", "group_label", "n",
                                "weighted_n", "mean", "share", "share_used", "sd", "se", "ci_low", "ci_high", "min",
                                "q1", "median", "q3", "max", "unit_total_se", "unit_total_ci_low",
                                "unit_total_ci_high", "rank_low", "rank_high", "suppressed", "n_below"}));
  // Units in report order (u2 is ranked first), groups in definition order.
  EXPECT_EQ(records[1][0], "u2");
  EXPECT_EQ(records[1][1], "自来水公司");
  EXPECT_EQ(records[1][2], "1");
  EXPECT_EQ(records[1][4], "a");
  EXPECT_EQ(records[1][5], "代表");
  EXPECT_EQ(records[2][4], "b");
  EXPECT_EQ(records[3][0], "u1");
  EXPECT_EQ(records[3][2], "2");
  for (const auto& r : records) EXPECT_EQ(r.size(), 27U);
}

TEST(WriteCsv, StatisticsColumns) {
  qscore::report r = qscore::test::writer_report();
  r.units[0].groups[0].stats.sd = 12.5;
  r.units[0].groups[0].stats.se = 2.5;
  r.units[0].groups[0].stats.median = 87.5;
  r.units[0].total_se = 1.25;
  r.units[0].rank_low = 1;
  r.units[0].rank_high = 2;
  r.units[1].rank_low.reset();
  r.units[1].rank_high.reset();
  const std::vector<record> records = parse(written(r));
  const record& header = records[0];
  auto at = [&](const record& row, const std::string& name) {
    return row[static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin())];
  };
  EXPECT_EQ(at(records[1], "sd"), "12.5");
  EXPECT_EQ(at(records[1], "se"), "2.5");
  EXPECT_EQ(at(records[1], "median"), "87.5");
  EXPECT_EQ(at(records[1], "ci_low"), "");  // not set: empty
  EXPECT_EQ(at(records[1], "unit_total_se"), "1.25");
  EXPECT_EQ(at(records[2], "unit_total_se"), "1.25");  // the unit's figures repeat on each group row
  EXPECT_EQ(at(records[1], "rank_low"), "1");
  EXPECT_EQ(at(records[1], "rank_high"), "2");
  EXPECT_EQ(at(records[3], "rank_low"), "");
}

TEST(WriteCsv, NumbersInFullByDefault) {
  const std::vector<record> records = parse(written(qscore::test::writer_report()));
  // u1 total 57.68, group a: n 2, mean 83.5, share 0.6; group b: n 1, mean 55.
  const record& u1a = records[3];
  EXPECT_NEAR(std::strtod(u1a[3].c_str(), nullptr), 57.68, 1e-9);
  EXPECT_EQ(u1a[6], "2");
  EXPECT_EQ(u1a[7], "2");
  EXPECT_EQ(u1a[8], "83.5");
  EXPECT_EQ(u1a[9], "0.6");
  EXPECT_EQ(u1a[10], "0.6");
  const record& u1b = records[4];
  EXPECT_EQ(u1b[6], "1");
  EXPECT_EQ(u1b[8], "55");
  EXPECT_EQ(u1b[9], "0.4");
  // Shortest round-trip form: the text reads back as the very same double.
  const qscore::report r = qscore::test::writer_report();
  EXPECT_EQ(std::strtod(u1a[3].c_str(), nullptr), *r.units[1].total);
}

TEST(WriteCsv, FixedDecimalsWhenAsked) {
  qscore::write_options options;
  options.decimals = 4;
  const std::vector<record> records = parse(written(qscore::test::writer_report(), options));
  const auto first = [](const record& r, std::size_t n) { return record(r.begin(), r.begin() + static_cast<long>(n)); };
  // u2, group a: total 84 * 80 / 100 = 67.2, n 1, weighted n 1, mean 90; then its statistics:
  // one respondent, so no sd, se or interval, and min = quartiles = max = 90.
  EXPECT_EQ(first(records[1], 20), (record{"u2", "自来水公司", "1", "67.2000", "a", "代表", "1", "1.0000", "90.0000",
                                           "0.6000", "0.6000", "", "", "", "", "90.0000", "90.0000", "90.0000",
                                           "90.0000", "90.0000"}));
  // u1, group b: total 57.68, mean 55.
  EXPECT_EQ(first(records[4], 11), (record{"u1", "供电公司", "2", "57.6800", "b", "群众", "1", "1.0000", "55.0000",
                                           "0.4000", "0.4000"}));
}

TEST(WriteCsv, MissingValuesAreEmpty) {
  qscore::report r = qscore::test::writer_report();
  r.units[1].rank.reset();
  r.units[1].total.reset();
  r.units[1].groups[1].mean.reset();
  const std::vector<record> records = parse(written(r));
  EXPECT_EQ(records[4][2], "");
  EXPECT_EQ(records[4][3], "");
  EXPECT_EQ(records[4][8], "");
}

TEST(WriteCsv, QuotesFieldsThatNeedIt) {
  qscore::report r = qscore::test::writer_report();
  r.units[0].label = "Water, \"city\" company";
  r.units[1].label = "two\nlines";
  const std::string text = written(r);
  EXPECT_NE(text.find(",\"Water, \"\"city\"\" company\","), std::string::npos);
  EXPECT_NE(text.find(",\"two\nlines\","), std::string::npos);
  const std::vector<record> records = parse(text);
  ASSERT_EQ(records.size(), 5U);
  EXPECT_EQ(records[1][1], "Water, \"city\" company");
  EXPECT_EQ(records[3][1], "two\nlines");
  // Plain text is not quoted.
  EXPECT_NE(text.find("\r\nu2,"), std::string::npos);
}

TEST(WriteCsv, EscapesFormulaInjection) {
  qscore::report r = qscore::test::writer_report();
  r.units[0].id = "-1";
  r.units[0].label = "=HYPERLINK(\"http://example.com\",\"click\")";
  r.units[1].label = "+1+1";
  r.units[0].groups[0].label = "@SUM(A1:A2)";
  r.units[0].groups[1].label = "\tcell";
  const std::vector<record> records = parse(written(r));
  EXPECT_EQ(records[1][0], "'-1");
  EXPECT_EQ(records[1][1], "'=HYPERLINK(\"http://example.com\",\"click\")");
  EXPECT_EQ(records[1][5], "'@SUM(A1:A2)");
  EXPECT_EQ(records[2][5], "'\tcell");
  EXPECT_EQ(records[3][1], "'+1+1");
  // Numbers are never prefixed, and a sign inside a label is harmless.
  EXPECT_EQ(records[1][2], "1");
}

TEST(WriteCsv, ByteOrderMarkAndInvalidUtf8) {
  qscore::report r = qscore::test::writer_report();
  r.units[0].label = "bad \xC3 byte";
  qscore::write_options options;
  options.csv_bom = true;
  const std::string text = written(r, options);
  ASSERT_EQ(text.rfind("\xEF\xBB\xBFunit_id,", 0), 0U);
  EXPECT_NE(text.find("bad \xEF\xBF\xBD byte"), std::string::npos);
  EXPECT_EQ(written(r).rfind("unit_id,", 0), 0U);
}

TEST(WriteCsv, Deterministic) {
  EXPECT_EQ(written(qscore::test::writer_report()), written(qscore::test::writer_report()));
}

// Suppression with min_cell 2 (worked out in writer_fixture.hpp): u1 a withheld as the
// complement of u1 b; u2 a and u2 b below 2.
TEST(WriteCsv, WithheldCells) {
  const std::vector<record> records = parse(written(qscore::test::writer_report("en", 2)));
  ASSERT_EQ(records.size(), 5U);
  const record& header = records[0];
  auto at = [&](const record& row, const std::string& name) {
    return row[static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin())];
  };
  // Rows: u2 a, u2 b, u1 a, u1 b.
  for (const std::size_t row : {1U, 2U, 4U}) {
    EXPECT_EQ(at(records[row], "n"), "");
    EXPECT_EQ(at(records[row], "weighted_n"), "");
    EXPECT_EQ(at(records[row], "mean"), "");
    EXPECT_EQ(at(records[row], "sd"), "");
    EXPECT_EQ(at(records[row], "suppressed"), "below_min_cell");
    EXPECT_EQ(at(records[row], "n_below"), "2");
  }
  EXPECT_EQ(at(records[3], "n"), "");
  EXPECT_EQ(at(records[3], "mean"), "");
  EXPECT_EQ(at(records[3], "suppressed"), "complement");
  EXPECT_EQ(at(records[3], "n_below"), "");
  EXPECT_EQ(at(records[3], "share_used"), "0.6");
  // The units stay: u1 total 72.1 * 80 / 100 = 57.68.
  EXPECT_NEAR(std::strtod(at(records[3], "unit_total").c_str(), nullptr), 57.68, 1e-9);
  // Unsuppressed reports leave both columns empty.
  const std::vector<record> open = parse(written(qscore::test::writer_report("en")));
  EXPECT_EQ(at(open[1], "suppressed"), "");
  EXPECT_EQ(at(open[1], "n_below"), "");
}

}  // namespace
