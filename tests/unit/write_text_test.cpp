// write_text: the header block, the ranking, per-unit tables, and alignment by display width
// with Chinese labels. Values are worked out by hand in writer_fixture.hpp.
#include "qscore/io/write_text.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "qscore/detail/display_width.hpp"
#include "writer_fixture.hpp"

namespace {

using qscore::detail::display_width;
using lines = std::vector<std::string>;

std::string written(const qscore::report& r, const qscore::write_options& options = {}) {
  std::ostringstream out;
  qscore::write_text(out, r, options);
  return out.str();
}

// Blocks of lines separated by blank lines.
std::vector<lines> blocks(const std::string& text) {
  std::vector<lines> out(1);
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) {
      if (!out.back().empty()) out.emplace_back();
    } else {
      out.back().push_back(line);
    }
  }
  if (out.back().empty()) out.pop_back();
  return out;
}

bool is_rule(const std::string& line) {
  const auto first = line.find_first_not_of(' ');
  return first != std::string::npos && line.find_first_not_of('-', first) == std::string::npos;
}

// The tables: blocks whose third line is a rule of dashes (caption, header, rule, rows...).
std::vector<lines> tables(const std::string& text) {
  std::vector<lines> out;
  for (auto& block : blocks(text))
    if (block.size() >= 3 && is_rule(block[2])) out.push_back(block);
  return out;
}

const std::string* find_line(const lines& table, const std::string& needle) {
  for (const auto& line : table)
    if (line.find(needle) != std::string::npos) return &line;
  return nullptr;
}

// Display columns up to the end of `needle` in `line`.
std::size_t column_after(const std::string& line, const std::string& needle) {
  const auto pos = line.find(needle);
  EXPECT_NE(pos, std::string::npos) << needle << " not in: " << line;
  return display_width(line.substr(0, pos + needle.size()));
}

TEST(WriteText, HeaderBlock) {
  const std::string text = written(qscore::test::writer_report());
  const lines header = blocks(text).front();
  ASSERT_GE(header.size(), 5U);
  EXPECT_EQ(header[0], "测评问卷");
  EXPECT_EQ(header[1], "questionnaire: demo (version 1), language zh");
  EXPECT_EQ(header[2], "points: 80");
  EXPECT_EQ(header[3], "rows read: 10 = 5 scored + 2 void + 3 rejected");
  EXPECT_EQ(header[4], "rejected by reason: R202 1, R203 1, R204 1 (1 without a known unit)");
}

TEST(WriteText, EveryTableLineHasTheSameDisplayWidth) {
  const std::string text = written(qscore::test::writer_report());
  const std::vector<lines> all = tables(text);
  // Ranking, rank uncertainty, 2 x (groups, dimensions, items), pooled groups.
  ASSERT_EQ(all.size(), 9U) << text;
  for (const auto& table : all) {
    const std::size_t width = display_width(table[1]);
    for (std::size_t i = 2; i < table.size(); ++i)
      EXPECT_EQ(display_width(table[i]), width) << "table '" << table[0] << "', line " << i << ":\n" << text;
    // Byte lengths differ (CJK takes 3 bytes for 2 columns): the alignment is by display width.
  }
}

TEST(WriteText, RankingTable) {
  const std::string text = written(qscore::test::writer_report());
  const lines ranking = tables(text).front();
  ASSERT_EQ(ranking[0], "Ranking");
  ASSERT_EQ(ranking.size(), 5U);
  const std::string& header = ranking[1];
  EXPECT_NE(header.find("rank"), std::string::npos);
  EXPECT_NE(header.find("total/80"), std::string::npos);
  EXPECT_NE(header.find("score/100"), std::string::npos);
  // u2 first: rank 1, total 67.20, score 84.00, 2 valid, 1 void, 1 rejected.
  EXPECT_NE(ranking[3].find("自来水公司"), std::string::npos);
  EXPECT_NE(ranking[3].find("67.20"), std::string::npos);
  EXPECT_NE(ranking[3].find("84.00"), std::string::npos);
  EXPECT_NE(ranking[4].find("供电公司"), std::string::npos);
  EXPECT_NE(ranking[4].find("57.68"), std::string::npos);
  EXPECT_NE(ranking[4].find("72.10"), std::string::npos);
  // Columns line up in display columns: the right-aligned totals and scores end where the
  // header's do, although the labels before them differ in byte length.
  EXPECT_EQ(column_after(ranking[3], "67.20") + 1, column_after(header, "total/80"));
  EXPECT_EQ(column_after(ranking[4], "57.68") + 1, column_after(header, "total/80"));
  EXPECT_EQ(column_after(ranking[3], "84.00"), column_after(header, "score/100"));
  EXPECT_EQ(column_after(ranking[4], "72.10"), column_after(header, "score/100"));
  EXPECT_EQ(text.find("renormalised"), std::string::npos);
}

TEST(WriteText, UnitDetails) {
  const std::string text = written(qscore::test::writer_report());
  const std::vector<lines> all = tables(text);
  // After the ranking and the rank uncertainty table, u1 is the second unit: groups, dimensions,
  // items at 5, 6, 7.
  const lines& groups = all[5];
  EXPECT_EQ(groups[0], "Unit 供电公司 (u1): rank 2, total 57.68 of 80, score 72.10 of 100");
  const std::string* a = find_line(groups, "代表");
  ASSERT_NE(a, nullptr);
  EXPECT_NE(a->find("83.50"), std::string::npos);
  EXPECT_NE(a->find("60.0%"), std::string::npos);
  const lines& dimensions = all[6];
  EXPECT_EQ(dimensions[0], "  Dimensions");
  ASSERT_NE(find_line(dimensions, "服务"), nullptr);
  EXPECT_NE(find_line(dimensions, "服务")->find("74.50"), std::string::npos);
  EXPECT_NE(find_line(dimensions, "服务")->find("59.60"), std::string::npos);
  const lines& items = all[7];
  EXPECT_EQ(items[0], "  Items");
  // q1: satisfaction 2/3, don't know 0, mean points 76.67; q2: 1/2, 1/3, 77.50.
  const std::string* q1 = find_line(items, "服务态度");
  ASSERT_NE(q1, nullptr);
  EXPECT_NE(q1->find("66.7%"), std::string::npos);
  EXPECT_NE(q1->find("0.0%"), std::string::npos);
  EXPECT_NE(q1->find("76.67"), std::string::npos);
  const std::string* q2 = find_line(items, "总体评价");
  ASSERT_NE(q2, nullptr);
  EXPECT_NE(q2->find("50.0%"), std::string::npos);
  EXPECT_NE(q2->find("33.3%"), std::string::npos);
  EXPECT_NE(q2->find("77.50"), std::string::npos);
  // Pooled groups: a 3 valid, mean 85.67; b 2 valid, 2 void, mean 65.00.
  const lines& pooled = all[8];
  EXPECT_EQ(pooled[0], "All units, by group");
  EXPECT_NE(find_line(pooled, "代表")->find("85.67"), std::string::npos);
  EXPECT_NE(find_line(pooled, "群众")->find("65.00"), std::string::npos);
}

TEST(WriteText, RenormalisedAndUnrankedUnits) {
  qscore::report r = qscore::test::writer_report();
  r.units[0].shares_renormalised = true;
  r.units[1].rank.reset();
  r.units[1].not_ranked_reason = "fewer than 30 valid ballots";
  const std::string text = written(r);
  const lines ranking = tables(text).front();
  EXPECT_NE(ranking[3].find("67.20*"), std::string::npos);
  EXPECT_NE(ranking[4].find("not ranked: fewer than 30 valid ballots"), std::string::npos);
  EXPECT_EQ(ranking[4].find_first_not_of(' '), ranking[4].find('-'));  // rank shown as "-"
  EXPECT_NE(text.find("* group shares renormalised"), std::string::npos);
  for (const auto& table : tables(text))
    for (std::size_t i = 2; i < table.size(); ++i) EXPECT_EQ(display_width(table[i]), display_width(table[1]));
}

TEST(WriteText, DecimalsOption) {
  qscore::write_options options;
  options.decimals = 3;
  const std::string text = written(qscore::test::writer_report(), options);
  EXPECT_NE(text.find("57.680"), std::string::npos);
  options.text_details = false;
  // ranking, rank uncertainty, pooled
  EXPECT_EQ(tables(written(qscore::test::writer_report(), options)).size(), 3U);
}

TEST(WriteText, StandardErrorsAndRankUncertainty) {
  // writer_fixture: u1's group a holds two respondents (100 and 67): se 16.5, CI 83.5 ± 32.34;
  // every other cell holds one, which adds nothing to a unit's SE. So u1's total has an SE
  // (0.8 · 0.6 · 16.5 = 7.92) and u2's has none: their comparison has no test ("-").
  const std::string text = written(qscore::test::writer_report());
  const std::vector<lines> all = tables(text);
  const lines& ranking = all[0];
  EXPECT_NE(ranking[1].find("95% CI"), std::string::npos);
  EXPECT_NE(ranking[1].find("rank 95%"), std::string::npos);
  const lines& pairs = all[1];
  EXPECT_EQ(pairs[0], "Rank uncertainty (each unit against the next one down)");
  ASSERT_EQ(pairs.size(), 4U);
  EXPECT_NE(pairs[3].find("自来水公司"), std::string::npos);
  EXPECT_NE(pairs[3].find("9.52"), std::string::npos);  // 67.20 − 57.68
  const lines& groups = all[5];
  EXPECT_NE(groups[1].find("se"), std::string::npos);
  const std::string* a = find_line(groups, "代表");
  ASSERT_NE(a, nullptr);
  EXPECT_NE(a->find("16.50"), std::string::npos);
  EXPECT_NE(a->find("[51.16, 115.84]"), std::string::npos);
  // A distinguishable pair says so.
  qscore::report r = qscore::test::writer_report();
  r.units[0].total_se = 0.5;
  r.rank_pairs[0].se = 0.9;
  r.rank_pairs[0].p = 1e-6;
  r.rank_pairs[0].distinct = true;
  EXPECT_NE(written(r).find("distinct"), std::string::npos);
  r.rank_pairs[0].distinct = false;
  EXPECT_NE(written(r).find("not distinguishable"), std::string::npos);
}

TEST(WriteText, ReliabilityTables) {
  qscore::report r = qscore::test::writer_report();
  qscore::reliability_result rel;
  rel.scale = "svc";
  rel.label = "服务";
  rel.missing = "pairwise";
  rel.n = 5;
  rel.alpha = 0.8126;
  rel.alpha_std = 0.8;
  rel.items.push_back({"q1", "服务态度", 5, 0.625, std::nullopt, std::nullopt});
  r.reliability.push_back(rel);
  const std::string text = written(r);
  const std::vector<lines> all = tables(text);
  const lines& scales = all[all.size() - 2];
  EXPECT_EQ(scales[0], "Reliability (Cronbach's alpha)");
  EXPECT_NE(scales[3].find("0.813"), std::string::npos);
  EXPECT_NE(scales[3].find("pairwise"), std::string::npos);
  const lines& items = all.back();
  EXPECT_EQ(items[0], "  服务");
  EXPECT_NE(items[3].find("0.625"), std::string::npos);
  for (const auto& table : all)
    for (std::size_t i = 2; i < table.size(); ++i) EXPECT_EQ(display_width(table[i]), display_width(table[1]));
}

TEST(WriteText, LabelsCannotBreakTheLayout) {
  qscore::report r = qscore::test::writer_report();
  r.units[0].label = "two\nlines\tand \xFF";
  r.units[1].label = "一个非常非常非常非常非常非常非常非常长的单位名称";  // 25 characters, 50 columns
  qscore::write_options options;
  options.max_label_width = 20;
  const std::string text = written(r, options);
  const lines ranking = tables(text).front();
  EXPECT_NE(ranking[3].find("two lines and \xEF\xBF\xBD"), std::string::npos);
  EXPECT_NE(ranking[4].find("一个非常非常非常..."), std::string::npos);
  for (const auto& table : tables(text))
    for (std::size_t i = 2; i < table.size(); ++i) EXPECT_EQ(display_width(table[i]), display_width(table[1]));
}

TEST(WriteText, Deterministic) {
  EXPECT_EQ(written(qscore::test::writer_report()), written(qscore::test::writer_report()));
}

// Suppression with min_cell 2 (worked out in writer_fixture.hpp): u1 a withheld as the
// complement of u1 b; u2 a and u2 b below 2; the units and pooled groups keep their numbers.
TEST(WriteText, WithheldCells) {
  const std::string text = written(qscore::test::writer_report("en", 2));
  const std::vector<lines> all = tables(text);
  const lines& u1 = all[5];
  EXPECT_EQ(u1[0], "Unit Power company (u1): rank 2, total 57.68 of 80, score 72.10 of 100");
  const std::string* a = find_line(u1, "Deputies");
  ASSERT_NE(a, nullptr);
  EXPECT_NE(a->find("  x  "), std::string::npos) << *a;
  EXPECT_EQ(a->find("83.50"), std::string::npos) << *a;  // its mean is withheld
  EXPECT_NE(a->find("60.0%"), std::string::npos) << *a;  // its share is not
  const std::string* b = find_line(u1, "Public");
  ASSERT_NE(b, nullptr);
  EXPECT_NE(b->find("<2"), std::string::npos) << *b;
  EXPECT_EQ(b->find("55.00"), std::string::npos) << *b;
  EXPECT_NE(text.find("\nprivacy: <2 = fewer than 2 valid ballots, values withheld; x = withheld so that such a "
                      "cell cannot be worked back\n"),
            std::string::npos);
  // Pooled groups are published: a 85.67, b 65.00.
  const lines& pooled = all[8];
  EXPECT_NE(find_line(pooled, "Deputies")->find("85.67"), std::string::npos);
  EXPECT_NE(find_line(pooled, "Public")->find("65.00"), std::string::npos);
  for (const auto& table : all)
    for (std::size_t i = 2; i < table.size(); ++i) EXPECT_EQ(display_width(table[i]), display_width(table[1]));
  // Without suppression there is no footnote.
  EXPECT_EQ(written(qscore::test::writer_report("en")).find("privacy:"), std::string::npos);
}

}  // namespace
