// A small report built entirely in code, for the writer tests: 2 items, 2 groups, 2 units,
// 1 dimension, Chinese labels. Every number the tests check is worked out by hand below.
//
// Scale "sat": code 1 满意 100 points (positive), 2 基本满意 75 (positive), 3 不满意 55,
//              4 不了解 non-answer.
// Items: q1 服务态度 weight 60, dimension svc; q2 总体评价 weight 40, no dimension.
// Groups: a 代表 share 0.6; b 群众 share 0.4. Units: u1 供电公司, u2 自来水公司.
// points 80; ballot.min_answered 0.5 (1 of 2 items is enough); ranking min_valid 1, decimals 2.
//
// Rows (line, group, unit, q1, q2) and respondent scores (weighted mean of the points of the
// answered items):
//   2  a u1 1 1   (60*100 + 40*100) / 100 = 100
//   3  a u1 2 3   (60*75  + 40*55)  / 100 = 67
//   4  b u1 3 4   q2 is "don't know": 60*55 / 60 = 55
//   5  b u1 - -   nothing answered: void
//   6  a u2 1 2   (60*100 + 40*75)  / 100 = 90
//   7  b u2 4 4   only non-answers: void
//   8  b u2 2 2   75
//   9  x u2 1 1   rejected, R202 unknown group (unit u2 known)
//  10  a u3 1 1   rejected, R203 unknown unit (no unit)
//  11  a u1 9 1   rejected, R204 invalid code (unit u1)
//
// Unit u1: mean a = (100 + 67) / 2 = 83.5; mean b = 55.
//          score = 0.6 * 83.5 + 0.4 * 55 = 50.1 + 22 = 72.1; total = 72.1 * 80 / 100 = 57.68.
//          dimension svc (q1 only): a = (100 + 75) / 2 = 87.5, b = 55
//            -> 0.6 * 87.5 + 0.4 * 55 = 74.5, points 59.6.
//          valid 3, void 1, rejected 1.
//          item q1 (valid ballots: codes 1, 2, 3): answered 3, mean points (100+75+55)/3 = 76.666...,
//            satisfaction 2/3, don't know 0/3 = 0.
//          item q2 (codes 1, 3, 4): answered 2, non-answers 1, mean points (100+55)/2 = 77.5,
//            satisfaction 1/2, don't know 1/3; option shares 1/3, 0, 1/3, 1/3.
// Unit u2: mean a = 90, mean b = 75 -> score = 54 + 30 = 84, total 67.2; rank 1 (u1 rank 2).
//          dimension svc: a = 100, b = 75 -> 90, points 72. valid 2, void 1, rejected 1.
// Accounting: rows_read 10 = 5 scored + 2 void + 3 rejected; by reason R202 1, R203 1, R204 1;
//          1 rejected without a unit.
// Pooled groups: a n 3 mean (100+67+90)/3 = 85.666...; b n 2, void 2, mean (55+75)/2 = 65.
#pragma once

#include <array>
#include <string_view>
#include <utility>

#include "qscore/data/batch_builder.hpp"
#include "qscore/plan/scoring_plan.hpp"
#include "qscore/report/finalize.hpp"
#include "qscore/score/scorer.hpp"
#include "qscore/tally/tally.hpp"

namespace qscore::test {

inline label zh_en(const char* zh, const char* en) {
  label out;
  out.set("zh", zh);
  out.set("en", en);
  return out;
}

inline instrument writer_instrument() {
  instrument def;
  def.id = "demo";
  def.version = "1";
  def.title = zh_en("测评问卷", "Demo survey");
  def.language = "zh";
  def.points = 80;

  answer_scale sat;
  sat.id = "sat";
  sat.name = zh_en("满意度", "Satisfaction");
  sat.options = {
      {"1", zh_en("满意", "Satisfied"), 100.0, false, true},
      {"2", zh_en("基本满意", "Fairly satisfied"), 75.0, false, true},
      {"3", zh_en("不满意", "Dissatisfied"), 55.0, false, false},
      {"4", zh_en("不了解", "Don't know"), std::nullopt, true, false},
  };
  def.scales.push_back(sat);
  def.dimensions.push_back({"svc", zh_en("服务", "Service")});

  questionnaire_item q1;
  q1.id = "q1";
  q1.text = zh_en("服务态度", "Service attitude");
  q1.scale = "sat";
  q1.weight = 60;
  q1.dimension = "svc";
  questionnaire_item q2;
  q2.id = "q2";
  q2.text = zh_en("总体评价", "Overall");
  q2.scale = "sat";
  q2.weight = 40;
  def.items = {q1, q2};

  def.groups = {{"a", zh_en("代表", "Deputies"), 0.6}, {"b", zh_en("群众", "Public"), 0.4}};
  def.units = {{"u1", zh_en("供电公司", "Power company")}, {"u2", zh_en("自来水公司", "Water company")}};
  def.ballot.min_answered = 0.5;
  def.ranking.min_valid = 1;
  def.ranking.decimals = 2;
  // The cells hold 1 or 2 ballots and the tests check their arithmetic: publish every cell.
  // writer_report(language, min_cell) turns suppression on (README "Privacy").
  def.privacy.min_cell = 1;
  return def;
}

// The report of the rows above, with labels in `language`, suppressing cells of fewer than
// `min_cell` valid ballots.
//
// With min_cell 2: cells u1 b (1 ballot), u2 a (1) and u2 b (1) are below it; row u1 then has
// one withheld cell, which its unit score (0.6 mean_a + 0.4 mean_b = 72.1) and valid count (3)
// would give away, so u1 a (2 ballots, the only other cell) is withheld as its complement. Each
// row and column then holds two withheld cells with 2 or more ballots; units (3 and 2 valid)
// and pooled groups (a 3, b 2) are published.
inline report writer_report(const std::string& language = "zh", std::int64_t min_cell = 1) {
  instrument def = writer_instrument();
  def.privacy.min_cell = min_cell;
  const scoring_plan plan = compile(def).value();
  batch_builder builder(plan);
  struct row {
    std::int64_t line;
    std::string_view group, unit, q1, q2;
  };
  const std::array<row, 10> rows{{{2, "a", "u1", "1", "1"},
                                  {3, "a", "u1", "2", "3"},
                                  {4, "b", "u1", "3", "4"},
                                  {5, "b", "u1", "", ""},
                                  {6, "a", "u2", "1", "2"},
                                  {7, "b", "u2", "4", "4"},
                                  {8, "b", "u2", "2", "2"},
                                  {9, "x", "u2", "1", "1"},
                                  {10, "a", "u3", "1", "1"},
                                  {11, "a", "u1", "9", "1"}}};
  for (const auto& r : rows) {
    const std::array<std::string_view, 2> answers{r.q1, r.q2};
    (void)builder.add_text_row(r.group, r.unit, answers, {}, r.line);
  }
  const response_batch batch = builder.take();
  const score_batch scored = score(plan, batch);
  tally totals = make_tally(plan);
  accumulate(totals, plan, batch, scored);
  return finalize(plan, totals, {language});
}

}  // namespace qscore::test
