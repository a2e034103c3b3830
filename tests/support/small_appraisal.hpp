// A small appraisal-shaped definition built in code, shared by the core unit tests.
// Its numbers are small enough to score by hand; see finalize_test.cpp for the arithmetic.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "qscore/model/instrument.hpp"

namespace qscore::fixtures {

// Scale "sat": 1 = 100 (positive), 2 = 75 (positive), 3 = 55, 4 = don't know (non-answer).
// Items q1 (weight 2, dimension A), q2 (weight 1, A), q3 (weight 1, B).
// Groups g1 (share 0.6), g2 (share 0.4). Units u1, u2, u3 declared. 80 points.
// Ballot: void below half the items answered (fewer than 1.5, i.e. under 2 of 3).
// Ranking: at least 2 valid ballots.
inline instrument small_appraisal() {
  instrument def;
  def.id = "small";
  def.version = "1";
  def.title = "Small appraisal";
  def.points = 80.0;
  answer_scale sat;
  sat.id = "sat";
  sat.options = {
      {"1", label("Satisfied"), 100.0, false, true},
      {"2", label("Fairly satisfied"), 75.0, false, true},
      {"3", label("Dissatisfied"), 55.0, false, false},
      {"4", label("Don't know"), std::nullopt, true, false},
  };
  def.scales.push_back(sat);
  def.dimensions = {{"A", label("Dimension A")}, {"B", label("Dimension B")}};
  def.items = {
      {"q1", label("Item 1"), "sat", 2.0, "A", false, ""},
      {"q2", label("Item 2"), "sat", 1.0, "A", false, ""},
      {"q3", label("Item 3"), "sat", 1.0, "B", false, ""},
  };
  def.groups = {{"g1", label("Group 1"), 0.6}, {"g2", label("Group 2"), 0.4}};
  def.units = {{"u1", label("Unit 1")}, {"u2", label("Unit 2")}, {"u3", label("Unit 3")}};
  def.ballot.min_answered = 0.5;
  def.ranking.min_valid = 2;
  // Its cells hold one to three ballots, and the tests check their arithmetic by hand: publish
  // every cell (suppression has its own tests, privacy_test.cpp).
  def.privacy.min_cell = 1;
  return def;
}

struct text_row {
  std::string group, unit;
  std::vector<std::string_view> answers;
  std::string weight;
};

// The hand-scored rows of finalize_test.cpp.
inline std::vector<text_row> small_appraisal_rows() {
  return {
      {"g1", "u1", {"1", "1", "2"}, ""},  // (2*100 + 100 + 75)/4 = 93.75; A 100; B 75
      {"g1", "u1", {"2", "3", "1"}, ""},  // (2*75 + 55 + 100)/4 = 76.25; A 205/3; B 100
      {"g2", "u1", {"3", "4", "3"}, ""},  // (2*55 + 55)/3 = 55; A 55; B 55
      {"g2", "u1", {"4", "4", "1"}, ""},  // one item answered < 1.5: void
      {"g1", "u1", {"7", "1", "1"}, ""},  // "7" is no option: rejected (R204), attributed to u1
      {"g1", "u2", {"1", "2", ""}, ""},   // (200 + 75)/3 = 275/3; A 275/3; B none
      {"g1", "u2", {"2", "2", "2"}, ""},  // 75; A 75; B 75
      {"g2", "u3", {"1", "1", "1"}, ""},  // 100; one valid ballot only: not ranked
  };
}

}  // namespace qscore::fixtures
