// The composite scorecard (scorecard/*.hpp) on a small definition whose every figure is worked
// out by hand below: YAML text -> load -> score a responses file -> finalize -> read the inputs
// -> compute_scorecard.
//
// Survey: 80 points; scale 1 = 100, 2 = 75, 3 = 55 points, 4 = don't know; two items of equal
// weight, so a ballot scores (p1 + p2) / 2. Groups g1 (share 0.2) and g2..g9 (0.1 each).
// Unit survey total = score × 80 / 100. min_valid 2. Components: supervision (values, 10),
// complaints (counts, 10: regulator 2 per complaint + 1 per escalated one, hotline 1 + 1, floor 0),
// bonus (values, 0 points, cap 2, missing 0). Bands 85 / 75 / 60 / 0. tie_break: survey, then
// fewer escalated complaints.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "qscore/definition/load.hpp"
#include "qscore/pipeline.hpp"
#include "qscore/report/finalize.hpp"
#include "qscore/scorecard/compute.hpp"
#include "qscore/scorecard/inputs.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace qscore;

// The units have one or two ballots per group, so that their arithmetic can be done by hand:
// every cell is published (min_cell 1) so that the survey totals below are the true ones. How
// withheld cells reach the scorecard is the privacy tests' and the CLI test's business.
const std::string definition_yaml = R"(format: qscore/1
id: card-test
points: 80
privacy: {min_cell: 1}
scales:
  - id: s
    options:
      - {code: "1", label: Satisfied, points: 100, positive: true}
      - {code: "2", label: Fairly, points: 75, positive: true}
      - {code: "3", label: Dissatisfied, points: 55}
      - {code: "4", label: Don't know, non_answer: true}
items:
  - {id: q1, scale: s}
  - {id: q2, scale: s}
groups:
  - {id: g1, share: 0.2}
  - {id: g2, share: 0.1}
  - {id: g3, share: 0.1}
  - {id: g4, share: 0.1}
  - {id: g5, share: 0.1}
  - {id: g6, share: 0.1}
  - {id: g7, share: 0.1}
  - {id: g8, share: 0.1}
  - {id: g9, share: 0.1}
units:
  - {id: a, label: Unit A}
  - {id: b, label: Unit B}
  - {id: c, label: Unit C}
  - {id: d, label: Unit D}
  - {id: e, label: Unit E}
  - {id: f, label: Unit F}
  - {id: g, label: Unit G}
  - {id: v, label: Unit V}
  - {id: m, label: Unit M}
ranking:
  min_valid: 2
  decimals: 2
scorecard:
  points: 100
  components:
    - {id: survey, input: survey}
    - {id: supervision, input: values, points: 10}
    - id: complaints
      input: counts
      points: 10
      floor: 0
      deductions:
        - {source: regulator, per: 2, per_escalated: 1}
        - {source: hotline, per: 1, per_escalated: 1}
    - {id: bonus, input: values, points: 0, cap: 2, missing_value: 0}
  formulas:
    - {name: total, formula: survey + supervision + complaints + bonus}
  total: total
  veto: {action: last}
  tie_break: [survey, -complaints.escalated]
  bands:
    - {id: satisfied, from: 85}
    - {id: fairly, from: 75}
    - {id: basic, from: 60}
    - {id: dissatisfied, from: 0}
)";

// Ballots; a ballot scores (p1 + p2) / 2.
//   a (g1 only): (1,1) = 100, (2,3) = 65 -> mean 82.5; g1 is the only group present, so its
//                share is renormalised to 1: score 82.5, survey 82.5 × 0.8 = 66. Also a void
//                ballot (nothing answered) and a rejected row (code 7).
//   b (one ballot in each of g1..g9): 100 | 75, 55, 87.5, 77.5, 65, 100, 75, 55
//                score = 0.2 × 100 + 0.1 × (75+55+87.5+77.5+65+100+75+55) = 20 + 59 = 79
//                survey = 79 × 0.8 = 63.2
//   c: (2,2), (2,2) -> 75 -> survey 60          d: (1,1), (3,3) -> 77.5 -> survey 62
//   e, f: (2,3), (2,3) -> 65 -> survey 52       g, v: (1,1), (1,1) -> 100 -> survey 80
//   m: (1,1) alone -> 100 -> survey 80, but 1 valid ballot < min_valid 2: not ranked
const std::string responses_csv =
    "respondent_id,group,unit,q1,q2\n"
    "1,g1,a,1,1\n"
    "2,g1,a,2,3\n"
    "3,g1,a,,\n"
    "4,g1,a,7,1\n"
    "5,g1,b,1,1\n"
    "6,g2,b,2,2\n"
    "7,g3,b,3,3\n"
    "8,g4,b,1,2\n"
    "9,g5,b,1,3\n"
    "10,g6,b,2,3\n"
    "11,g7,b,1,1\n"
    "12,g8,b,2,2\n"
    "13,g9,b,3,3\n"
    "14,g1,c,2,2\n15,g1,c,2,2\n"
    "16,g1,d,1,1\n17,g1,d,3,3\n"
    "18,g1,e,2,3\n19,g1,e,2,3\n"
    "20,g1,f,2,3\n21,g1,f,2,3\n"
    "22,g1,g,1,1\n23,g1,g,1,1\n"
    "24,g1,v,1,1\n25,g1,v,1,1\n"
    "26,g1,m,1,1\n";

const std::string supervision_csv =
    "unit,value\n"
    "a,9.5\nb,10\nc,10\nd,9\ne,8\nf,8\ng,10\nv,10\nm,10\n";

// a: regulator 2 (lines 2) -> 2 × 2 = 4; hotline 1 (line 3) -> 1; 10 − 5 = 5
// d: hotline 1, 1 escalated (line 4) -> 1 + 1 = 2; 10 − 2 = 8
// g: regulator 4 with 2 escalated (line 5) -> 8 + 2 = 10, hotline 3 (lines 6 and 7: 2 + 1) -> 3;
//    10 − 13 = −3, floored at 0
const std::string complaints_csv =
    "unit,source,category,count,escalated\n"
    "a,regulator,supply,2,0\n"
    "a,hotline,outage,1,0\n"
    "d,hotline,outage,1,1\n"
    "g,regulator,supply,4,2\n"
    "g,hotline,service,2,0\n"
    "g,hotline,service,1,0\n";

// b: 3, cut to the cap 2; d: 1; the others have no row and take missing_value 0.
const std::string bonus_csv = "unit,value\nb,3\nd,1\n";
const std::string veto_csv = "unit,reason\nv,verified major incident\n";

// Totals (survey + supervision + complaints + bonus):
//   a 66 + 9.5 + 5 + 0 = 80.5      b 63.2 + 10 + 10 + 2 = 85.2    c 60 + 10 + 10 + 0 = 80
//   d 62 + 9 + 8 + 1 = 80          e = f = 52 + 8 + 10 + 0 = 70   g 80 + 10 + 0 + 0 = 90
//   v 80 + 10 + 10 + 0 = 100 (vetoed)                            m 80 + 10 + 10 + 0 = 100
// Ranking: g 90 (1), b 85.2 (2), a 80.5 (3); d and c tie at 80: survey 62 > 60, so d 4, c 5;
// e and f tie at 70 with equal survey (52) and escalated (0): both 6; v last (8); m not ranked.

std::filesystem::path write_temp(const std::string& name, const std::string& text) {
  const auto dir = qscore::test_support::temp_dir("qscore_scorecard_test");
  const auto path = dir / name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

struct run {
  report survey;
  scorecard_result card;
};

run compute(const std::string& yaml, const std::string& veto = veto_csv) {
  auto loaded = load_definition_from_string(yaml, "card.yaml");
  if (!loaded) {
    for (const auto& d : loaded.diagnostics()) ADD_FAILURE() << d.to_string();
    throw std::runtime_error("definition");
  }
  const instrument def = loaded->definition;
  auto plan = compile(instrument(def)).value();
  const report r = finalize(plan, score_file(plan, write_temp("responses.csv", responses_csv)).value());
  std::vector<input_source> sources = {{"supervision", "sup.csv", supervision_csv},
                                       {"complaints", "complaints.csv", complaints_csv},
                                       {"bonus", "bonus.csv", bonus_csv}};
  if (def.scorecard->veto.enabled) sources.push_back({"veto", "veto.csv", veto});
  auto inputs = read_scorecard_inputs(*def.scorecard, known_units(def), sources);
  for (const auto& d : inputs.diagnostics()) ADD_FAILURE() << d.to_string();
  auto card = compute_scorecard(def, r, inputs.value());
  return {r, card.value()};
}

const scorecard_unit& unit(const scorecard_result& card, const std::string& id) {
  for (const auto& u : card.units)
    if (u.id == id) return u;
  throw std::runtime_error("no unit " + id);
}

const scorecard_component_result& component(const scorecard_unit& u, const std::string& id) {
  for (const auto& c : u.components)
    if (c.id == id) return c;
  throw std::runtime_error("no component " + id);
}

TEST(Scorecard, OneGroupUnitRenormalisesItsShare) {
  const run out = compute(definition_yaml);
  const unit_result& a = out.survey.units.at(0).id == "a" ? out.survey.units[0] : [&]() -> const unit_result& {
    for (const auto& u : out.survey.units)
      if (u.id == "a") return u;
    throw std::runtime_error("a");
  }();
  EXPECT_EQ(a.valid, 2);
  EXPECT_EQ(a.void_ballots, 1);
  EXPECT_EQ(a.rejected, 1);
  EXPECT_TRUE(a.shares_renormalised);
  EXPECT_DOUBLE_EQ(*a.score, 82.5);  // (100 + 65) / 2
  const auto& u = unit(out.card, "a");
  EXPECT_DOUBLE_EQ(*component(u, "survey").value, 66.0);   // 82.5 × 80 / 100
  EXPECT_DOUBLE_EQ(*component(u, "supervision").value, 9.5);
  EXPECT_DOUBLE_EQ(*component(u, "complaints").value, 5.0);  // 10 − 2×2 − 1×1
  EXPECT_DOUBLE_EQ(*component(u, "bonus").value, 0.0);       // no row: missing_value
  EXPECT_EQ(component(u, "bonus").line, 0);
  EXPECT_DOUBLE_EQ(*u.total, 80.5);
  EXPECT_EQ(u.band, "fairly");
  EXPECT_EQ(u.rank, 3);
  ASSERT_EQ(u.deductions.size(), 2U);
  EXPECT_EQ(u.deductions[0].source, "regulator");
  EXPECT_EQ(u.deductions[0].count, 2);
  EXPECT_DOUBLE_EQ(u.deductions[0].points, 4.0);
  EXPECT_EQ(u.deductions[0].lines, std::vector<std::int64_t>{2});
  EXPECT_EQ(u.deductions[1].lines, std::vector<std::int64_t>{3});
}

TEST(Scorecard, NineGroupUnitAndBonusCap) {
  const run out = compute(definition_yaml);
  const auto& b = unit(out.card, "b");
  EXPECT_NEAR(*component(b, "survey").value, 63.2, 1e-12);  // 79 × 0.8
  EXPECT_DOUBLE_EQ(*component(b, "bonus").value, 2.0);      // 3 cut to the cap 2
  EXPECT_TRUE(component(b, "bonus").capped);
  EXPECT_DOUBLE_EQ(*component(b, "bonus").raw, 3.0);
  EXPECT_NEAR(*b.total, 85.2, 1e-12);
  EXPECT_EQ(b.band, "satisfied");
  EXPECT_EQ(b.rank, 2);
  ASSERT_EQ(b.formulas.size(), 1U);
  EXPECT_NEAR(*b.formulas[0].value, 85.2, 1e-12);
}

TEST(Scorecard, DeductionsStopAtTheFloor) {
  const run out = compute(definition_yaml);
  const auto& g = unit(out.card, "g");
  const auto& c = component(g, "complaints");
  EXPECT_DOUBLE_EQ(c.deducted, 13.0);  // regulator 4×2 + 2×1 = 10, hotline 3×1 = 3
  EXPECT_DOUBLE_EQ(*c.raw, -3.0);
  EXPECT_DOUBLE_EQ(*c.value, 0.0);
  EXPECT_TRUE(c.floored);
  EXPECT_EQ(c.count, 7);
  EXPECT_EQ(c.escalated, 2);
  ASSERT_EQ(g.deductions.size(), 2U);
  EXPECT_DOUBLE_EQ(g.deductions[0].points, 10.0);
  EXPECT_EQ(g.deductions[1].category, "service");
  EXPECT_EQ(g.deductions[1].count, 3);
  EXPECT_EQ(g.deductions[1].lines, (std::vector<std::int64_t>{6, 7}));
  EXPECT_DOUBLE_EQ(*g.total, 90.0);
  EXPECT_EQ(g.rank, 1);
}

TEST(Scorecard, TieBrokenByTheDeclaredOrderAndTieThatStaysShared) {
  const run out = compute(definition_yaml);
  const auto& c = unit(out.card, "c");
  const auto& d = unit(out.card, "d");
  EXPECT_DOUBLE_EQ(*c.total, 80.0);
  EXPECT_DOUBLE_EQ(*d.total, 80.0);
  EXPECT_EQ(d.rank, 4);  // survey 62 > 60
  EXPECT_EQ(c.rank, 5);
  EXPECT_EQ(d.tie_break, "above 'c' on equal total, by survey (62 vs 60)");
  const auto& e = unit(out.card, "e");
  const auto& f = unit(out.card, "f");
  EXPECT_DOUBLE_EQ(*e.total, 70.0);
  EXPECT_EQ(e.rank, 6);
  EXPECT_EQ(f.rank, 6);
  EXPECT_EQ(e.band, "basic");
  EXPECT_EQ(e.tie_break, "shares rank 6 with 'f' (equal total and tie-break values)");
  // Rank order of the result: g b a d c e f v, then m.
  std::string order;
  for (const auto& u : out.card.units) order += u.id;
  EXPECT_EQ(order, "gbadcefvm");
}

TEST(Scorecard, VetoedUnitPlacedLastInTheLowestBand) {
  const run out = compute(definition_yaml);
  const auto& v = unit(out.card, "v");
  EXPECT_TRUE(v.vetoed);
  EXPECT_EQ(v.veto_reason, "verified major incident");
  EXPECT_EQ(v.veto_line, 2);
  EXPECT_DOUBLE_EQ(*v.total, 100.0);
  EXPECT_EQ(v.rank, 8);  // after the seven units ranked normally (e and f share 6)
  EXPECT_EQ(v.band, "dissatisfied");
}

TEST(Scorecard, VetoedUnitExcluded) {
  std::string yaml = definition_yaml;
  yaml.replace(yaml.find("action: last"), 12, "action: exclude");
  const run out = compute(yaml);
  const auto& v = unit(out.card, "v");
  EXPECT_FALSE(v.rank.has_value());
  EXPECT_EQ(v.not_ranked_reason, "vetoed: verified major incident");
  EXPECT_EQ(unit(out.card, "f").rank, 6);
}

TEST(Scorecard, UnitBelowTheMinimumBallotsIsNotRanked) {
  const run out = compute(definition_yaml);
  const auto& m = unit(out.card, "m");
  EXPECT_EQ(out.survey.units.back().id, "m");
  EXPECT_DOUBLE_EQ(*m.total, 100.0);  // 80 + 10 + 10 + 0: shown, not ranked
  EXPECT_FALSE(m.rank.has_value());
  EXPECT_EQ(m.not_ranked_reason.rfind("survey not ranked: ", 0), 0U) << m.not_ranked_reason;
  EXPECT_EQ(out.card.units.back().id, "m");
}

TEST(Scorecard, DefaultTotalIsTheSumOfComponents) {
  std::string yaml = definition_yaml;
  yaml.erase(yaml.find("  formulas:"), yaml.find("  veto:") - yaml.find("  formulas:"));
  const run out = compute(yaml);
  EXPECT_DOUBLE_EQ(*unit(out.card, "a").total, 80.5);
  EXPECT_TRUE(unit(out.card, "a").formulas.empty());
}

// --- input files ------------------------------------------------------------------------------

std::vector<diagnostic> input_errors(const std::string& name, const std::string& text) {
  auto loaded = load_definition_from_string(definition_yaml, "card.yaml");
  const instrument& def = loaded.value().definition;
  std::vector<input_source> sources = {{"supervision", "sup.csv", supervision_csv},
                                       {"complaints", "complaints.csv", complaints_csv},
                                       {"bonus", "bonus.csv", bonus_csv},
                                       {"veto", "veto.csv", veto_csv}};
  for (auto& s : sources)
    if (s.name == name) s = {name, "bad.csv", text};
  auto inputs = read_scorecard_inputs(*def.scorecard, known_units(def), sources);
  return inputs.diagnostics();
}

std::string first(const std::vector<diagnostic>& d) { return d.empty() ? "(none)" : d.front().to_string(); }

TEST(ScorecardInputs, UnknownUnitNamesTheCell) {
  const auto d = input_errors("supervision", "unit,value\na,1\nzz,2\n");
  ASSERT_EQ(d.size(), 1U);
  EXPECT_EQ(first(d),
            "bad.csv:3:1: error[F113] unknown unit 'zz', expected one of: a, b, c, d, e, f, g, v, m");
}

TEST(ScorecardInputs, UnitByLabelAndDuplicateRow) {
  const auto d = input_errors("supervision", "unit,value\nUnit A,1\n a , 2\n");
  ASSERT_EQ(d.size(), 1U);
  EXPECT_EQ(first(d),
            "bad.csv:3:2: error[F114] a second row for unit 'a' (first on line 2); each unit has at most one row in "
            "this file");
}

TEST(ScorecardInputs, BadAndOutOfRangeNumbers) {
  const auto d = input_errors("supervision", "unit,value\na,9,5\nb,nine\nc,10.5\nd,-1\n");
  ASSERT_EQ(d.size(), 4U);
  EXPECT_EQ(d[0].to_string(), "bad.csv:2:1: error[F115] the row has 3 fields, expected 2 as in the header");
  EXPECT_EQ(d[1].to_string(), "bad.csv:3:3: error[F115] value 'nine' is not a number, expected a decimal number such as 7.5");
  EXPECT_EQ(d[2].to_string(), "bad.csv:4:3: error[F115] value '10.5' is out of range, expected 0..10 for component 'supervision'");
  EXPECT_EQ(d[3].where.line, 5);
}

TEST(ScorecardInputs, ComplaintWithoutARuleAndBadCounts) {
  const auto d = input_errors("complaints",
                              "unit,source,category,count,escalated\n"
                              "a,press,supply,1,0\n"
                              "b,regulator,supply,-2,0\n"
                              "c,regulator,supply,2,3\n");
  ASSERT_EQ(d.size(), 3U);
  EXPECT_EQ(d[0].to_string(),
            "bad.csv:2:3: error[F115] no deduction rule of component 'complaints' covers source 'press', category "
            "'supply'; rules (source/category): regulator/*, hotline/*");
  EXPECT_EQ(d[1].to_string(), "bad.csv:3:20: error[F115] count '-2' is not a whole number >= 0");
  EXPECT_EQ(d[2].to_string(),
            "bad.csv:4:22: error[F115] escalated '3' is not a whole number in 0..2 (at most the row's count)");
}

TEST(ScorecardInputs, OneRowPerComplaintCountsOnePerRow) {
  auto loaded = load_definition_from_string(definition_yaml, "card.yaml");
  const instrument& def = loaded.value().definition;
  auto inputs = read_scorecard_inputs(*def.scorecard, known_units(def),
                                      {{"supervision", "s.csv", supervision_csv},
                                       {"complaints", "c.csv", "unit,source,category\nUnit A,regulator,supply\na,regulator,supply\n"},
                                       {"bonus", "b.csv", bonus_csv},
                                       {"veto", "v.csv", "unit,reason\n"}});
  ASSERT_TRUE(inputs.has_value()) << first(inputs.diagnostics());
  const auto& rows = inputs->find("complaints")->complaints;
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[0].unit, "a");
  EXPECT_EQ(rows[0].count, 1);
  EXPECT_EQ(rows[1].line, 3);
}

TEST(ScorecardInputs, HeaderQuotesAndEncoding) {
  EXPECT_EQ(first(input_errors("supervision", "unit,points\na,1\n")),
            "bad.csv:1:1: error[F112] the header lacks the column 'value'; expected unit,value, found unit, points");
  EXPECT_EQ(first(input_errors("supervision", "unit,value,value\na,1,2\n")),
            "bad.csv:1:12: error[F112] column 'value' appears twice in the header (first in column 2)");
  EXPECT_EQ(first(input_errors("veto", "unit,reason\nv,\"never closed\n")),
            "bad.csv:2:3: error[F115] a quoted field that never closes (expected a closing '\"')");
  EXPECT_EQ(first(input_errors("supervision", "unit,value\na,\xff\n")),
            "bad.csv:2:3: error[F111] the file is not valid UTF-8 (a bad byte sequence here); save it as UTF-8");
  EXPECT_EQ(first(input_errors("supervision", "")), "bad.csv: error[F111] the file is empty, expected a header line");
  // A byte order mark, CRLF line ends and a quoted label with a comma are fine.
  EXPECT_TRUE(input_errors("veto", "\xEF\xBB\xBFunit,reason\r\n\"Unit V\",\"fire, verified\"\r\n").empty());
}

TEST(ScorecardInputs, MissingAndUnknownInputs) {
  auto loaded = load_definition_from_string(definition_yaml, "card.yaml");
  const instrument& def = loaded.value().definition;
  auto inputs = read_scorecard_inputs(*def.scorecard, known_units(def),
                                      {{"supervison", "s.csv", supervision_csv}, {"bonus", "b.csv", bonus_csv}});
  const auto& d = inputs.diagnostics();
  ASSERT_EQ(d.size(), 4U);
  EXPECT_EQ(d[0].to_string(),
            "s.csv: error[F111] input 'supervison' is not a scorecard input; expected one of: supervision, complaints, "
            "bonus, veto");
  EXPECT_EQ(d[1].to_string(), "error[F111] no input file for 'supervision' (give it as --input supervision=FILE)");
}

}  // namespace
