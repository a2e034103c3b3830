// The composite scorecard as the definition gives it (the `scorecard:` section): the survey is one
// component of a larger appraisal total (80 of 100 points, say); the other components come from
// small input files per unit (supervision scores, complaint counts, bonus points, vetoes).
// Plain values; check_scorecard (scorecard/check.hpp) verifies them, compute_scorecard
// (scorecard/compute.hpp) evaluates them after finalize.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "qscore/core/label.hpp"

namespace qscore {

enum class component_input : std::uint8_t {
  survey,  // the survey's unit total from the report (0..the survey's points)
  values,  // a file of unit,value: the component's value per unit
  counts,  // a file of unit,source,category[,count][,escalated]: deductions from `points`
};

// One deduction rule of a counts component. A rule with an empty source (or category) matches
// any; the most specific rule matching a row applies (source and category, then source alone,
// then category alone, then the rule naming neither).
struct deduction_rule {
  std::string source;
  std::string category;
  double per = 0.0;            // points deducted per complaint
  double per_escalated = 0.0;  // extra points per escalated complaint (越级投诉)
};

struct scorecard_component {
  std::string id;
  label name;
  component_input input = component_input::values;
  std::optional<double> points;        // worth in the total; survey: default the survey's points
  // values: a unit without a row gets this value; without it, a missing row is an error.
  std::optional<double> missing_value;
  // values: values above the cap are cut to it (bonus points); without a cap a value must lie
  // in 0..points.
  std::optional<double> cap;
  // counts: value = max(floor, points - deductions)
  std::vector<deduction_rule> deductions;
  double floor = 0.0;
};

struct scorecard_formula {
  std::string name;
  std::string formula;
};

enum class veto_action : std::uint8_t {
  last,     // the vetoed unit is ranked after every unit that is not vetoed
  exclude,  // the vetoed unit is listed without a rank
};

struct veto_rule {
  bool enabled = false;        // the definition has a `veto:` section
  veto_action action = veto_action::last;
};

// A key of the tie-break order: a unit-level name (a component, `<counts>.count`,
// `<counts>.escalated`, a dimension, a formula); higher is better unless `lower_is_better`
// (written with a leading '-').
struct tie_break_key {
  std::string name;
  bool lower_is_better = false;
};

struct scorecard_band {
  std::string id;
  label name;
  double from = 0.0;  // a total at or above `from` (and below the band above) is in this band
};

struct scorecard_definition {
  double points = 100.0;
  std::vector<scorecard_component> components;
  std::vector<scorecard_formula> formulas;  // unit-level formulas
  std::string total;                        // formula or component giving the total; empty = sum
  veto_rule veto;
  std::vector<tie_break_key> tie_break;
  std::vector<scorecard_band> bands;        // highest `from` first
};

}  // namespace qscore
