// The composite scorecard's results as plain values: part of the report (report::scorecard),
// written by every writer. Field names are those of the JSON report's "scorecard" object.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qscore {

struct scorecard_component_result {
  std::string id;
  std::string label;
  std::string input;              // survey, values or counts
  double points = 0.0;            // worth in the total
  std::optional<double> value;    // what the unit earns; none when it has none (see the unit's reason)
  std::optional<double> raw;      // values: the value in the file before the cap; counts: points
                                  // minus every deduction, before the floor
  bool capped = false;            // values: the cap cut the value
  bool floored = false;           // counts: the floor lifted the value
  double deducted = 0.0;          // counts: points deducted (before the floor)
  std::int64_t count = 0;         // counts: complaints
  std::int64_t escalated = 0;     // counts: escalated complaints
  std::string file;               // the input file (values, counts)
  std::int64_t line = 0;          // values: the row's line; 0 = no row (missing_value used)
};

// The deductions of one (source, category) for one unit: count × per + escalated × per_escalated.
struct scorecard_deduction {
  std::string component;
  std::string source;
  std::string category;
  std::int64_t count = 0;
  std::int64_t escalated = 0;
  double per = 0.0;
  double per_escalated = 0.0;
  double points = 0.0;
  std::string file;
  std::vector<std::int64_t> lines;  // the rows of the input file behind it
};

// A unit-level formula's value for a unit (none = missing).
struct scorecard_value {
  std::string name;
  std::optional<double> value;
};

struct scorecard_unit {
  std::string id;
  std::string label;
  std::optional<double> total;        // out of the scorecard's points; none when it cannot be had
  std::optional<int> rank;            // competition rank (1, 2, 2, 4); none when not ranked
  std::string band;                   // band id; empty without bands or without a total
  std::string band_label;
  bool vetoed = false;
  std::string veto_reason;
  std::int64_t veto_line = 0;         // the veto file's row
  std::string not_ranked_reason;
  std::string tie_break;              // how a tie on the total was settled, or that it stands
  std::vector<scorecard_component_result> components;  // definition order
  std::vector<scorecard_deduction> deductions;         // components in order, then first row
  std::vector<scorecard_value> formulas;               // definition order
};

struct scorecard_result {
  double points = 100.0;
  std::string total;                  // the formula or component giving the total; "" = the sum
  std::vector<std::string> tie_break; // the declared order, '-' = lower is better
  std::string veto_action;            // "last", "exclude" or "" (no veto)
  std::string veto_file;
  std::optional<int> decimals;        // totals and band limits are compared at these decimals
  std::vector<scorecard_unit> units;  // ranked units by rank, then the others in report order
};

}  // namespace qscore
