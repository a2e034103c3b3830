// The questionnaire definition as plain values: what the YAML says, or what a program builds in
// code. References between parts (an item's scale, its dimension) are by id; `check_instrument`
// verifies them and every other rule, and `compile` turns a checked instrument into a plan.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "qscore/core/diagnostic.hpp"
#include "qscore/core/label.hpp"
#include "qscore/scorecard/model.hpp"

namespace qscore {

// One answer option of a categorical scale.
struct answer_option {
  std::string code;                // as it appears in the data, e.g. "1"
  label text;                      // 满意 / Satisfied; data cells may also carry any of these texts
  std::optional<double> points;    // what the option earns, on the 0..100 respondent scale
  bool non_answer = false;         // "don't know": counts as no answer, left out of the denominator
  bool positive = false;           // counts towards the satisfaction rate
};

enum class scale_kind : std::uint8_t {
  categorical,  // explicit options, each with points or marked as a non-answer
  numeric,      // a Likert range min..max mapped linearly onto [points_at_min, points_at_max]
};

struct answer_scale {
  std::string id;
  label name;
  scale_kind kind = scale_kind::categorical;
  std::vector<answer_option> options;  // categorical: all options; numeric: extra non-answer codes only

  // numeric only
  int min = 1;
  int max = 5;
  double points_at_min = 0.0;
  double points_at_max = 100.0;
  std::optional<int> positive_from;  // values >= this count as positive (satisfaction rate)
};

struct questionnaire_item {
  std::string id;
  label text;
  std::string scale;       // id of an answer_scale
  double weight = 1.0;
  std::string dimension;   // id of a dimension, or empty
  bool reverse = false;    // numeric scales only: scored as min + max - x
  std::string column;      // CSV column; empty = the item id
};

struct dimension {
  std::string id;
  label name;
};

struct respondent_group {
  std::string id;
  label name;
  double share = 0.0;  // the group's weight in a unit's total
};

struct evaluated_unit {
  std::string id;
  label name;
};

struct column_layout {
  std::string respondent = "respondent_id";
  std::string group = "group";
  std::string unit = "unit";
  std::string weight;  // sampling weight column; empty = every respondent weighs 1
  std::string stratum; // sampling stratum column; empty = the respondent groups are the strata
};

// Formula text as the definition gives it (see README, "Formulas"). `origin` is where the
// formula's first character is in the file (1-based; unknown, line 0, for a definition built in
// code): parse errors point at the exact line and column inside the YAML file.
struct formula_text {
  std::string text;
  source_location origin;

  [[nodiscard]] bool empty() const { return text.empty(); }
};

struct ballot_rule {
  // A ballot answering fewer than this fraction of the items is void. A ballot answering no item
  // at all is always void.
  double min_answered = 0.0;
  // A respondent-level condition the ballot must meet: where it is false (0) or missing, the
  // ballot is void (reason "valid_if"). Empty = no condition.
  formula_text valid_if;
};

// A derived respondent-level score (the `formulas:` section): one value per respondent, such as
// `service = mean(q01, q02, q03)`, tallied and reported per unit like a dimension score.
struct derived_formula {
  std::string name;
  label name_label;  // `label:`; empty = the name
  formula_text formula;
};

// What a failed consistency check does to the row.
enum class check_action : std::uint8_t {
  reject,  // the row is rejected (R220, with the check's name), not scored
  void_ballot,  // the ballot is void (reason "check <name>")
  flag,    // the row is scored as usual; the failure is counted
};

// A consistency rule between answers (the `checks:` section), evaluated per row. A row fails
// the check where the rule is false (0); a rule that is missing on a row (its inputs are blank)
// passes, as an SQL CHECK constraint does.
struct consistency_check {
  std::string name;
  formula_text rule;
  check_action action = check_action::reject;
};

struct ranking_rule {
  std::int64_t min_valid = 1;      // units with fewer valid ballots are listed but not ranked
  std::optional<int> decimals;     // compare totals rounded to this many places (published ties)
};

// How reliability treats a respondent who left some of a scale's items unanswered.
enum class missing_rule : std::uint8_t {
  listwise,  // only respondents who answered every item of the scale
  pairwise,  // each covariance over the respondents who answered both items (as psych::alpha)
};

// The population size of one sampling stratum, for the finite population correction.
struct stratum_population {
  std::string stratum;  // a stratum id (a group id when the groups are the strata)
  double size = 0.0;    // N_h
};

// What the report computes beyond the scores (the `statistics:` section).
struct statistics_options {
  std::optional<missing_rule> reliability;  // none = no reliability analysis
  bool reliability_by_group = false;        // also per respondent group (pooled over units)
  std::vector<stratum_population> population;  // finite population correction; empty = none
  int rank_replicates = 1000;               // parametric bootstrap replicates; 0 = no rank intervals
  std::uint64_t rank_seed = 20240404;       // its seed: the same seed gives the same intervals
};

// Small-cell suppression (the `privacy:` section; README "Privacy"). A cell, group or unit with
// fewer valid ballots than min_cell is published without its values, and further cells are
// withheld so that none of those values can be worked back from what is published.
struct privacy_options {
  std::int64_t min_cell = 5;  // >= 1; 1 publishes every cell
};

struct instrument {
  std::string id;
  std::string version;
  label title;
  double points = 100.0;            // worth of this survey component (80 in the appraisal)
  std::string language;             // default language for labels in reports; empty = first given

  std::vector<answer_scale> scales;
  std::vector<dimension> dimensions;
  std::vector<questionnaire_item> items;
  std::vector<respondent_group> groups;
  std::vector<evaluated_unit> units;  // empty = units are taken from the data as they appear
  std::optional<double> weight_total; // if set, item weights must add up to it

  column_layout columns;
  ballot_rule ballot;
  ranking_rule ranking;
  statistics_options statistics;
  privacy_options privacy;
  std::vector<derived_formula> formulas;   // derived respondent-level scores
  std::vector<consistency_check> checks;   // consistency rules between answers
  std::optional<scorecard_definition> scorecard;  // the composite total (scorecard/model.hpp)
};

}  // namespace qscore
