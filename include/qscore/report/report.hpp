// The finished report as plain values: no Eigen, no tallies. Writers only ever see this.
// Field names here are the field names of the JSON report (see README, "JSON report").
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "qscore/data/response_batch.hpp"
#include "qscore/scorecard/result.hpp"

namespace qscore {

// Descriptive statistics of a set of values (respondent scores, or the points of an item's
// answers) and the uncertainty of their mean. See README, "Statistics". Every field is none where
// it cannot be computed (no values; one value for sd, se and the interval).
struct value_summary {
  std::optional<double> sd;       // standard deviation with the n − 1 correction (weighted for scores)
  std::optional<double> se;       // standard error of the mean (design-based for scores)
  std::optional<double> ci_low;   // 95% confidence interval of the mean: mean ± 1.96 se
  std::optional<double> ci_high;
  std::optional<double> min;
  std::optional<double> q1;       // quartiles and median, R's quantile type 7 (unweighted)
  std::optional<double> median;
  std::optional<double> q3;
  std::optional<double> max;
};

// Why a published value is withheld (README "Privacy"). A withheld cell, unit or pooled group
// keeps its id, label, share fields and void count; its counts (n, weighted_n, valid) are 0 and
// every value derived from its ballots is none. Writers show the count as "fewer than
// report::min_cell" for below_min_cell and say nothing about it for complement.
enum class suppression : std::uint8_t {
  none,
  below_min_cell,  // fewer valid ballots than min_cell
  complement,      // enough ballots, withheld so that a small cell cannot be worked back
};

struct group_result {
  std::string id;
  std::string label;
  std::int64_t n = 0;             // valid ballots
  std::int64_t void_ballots = 0;
  double weighted_n = 0.0;        // sum of sampling weights of the valid ballots
  std::optional<double> mean;     // weighted mean respondent score, 0..100; none without ballots
  double share = 0.0;             // declared share
  double share_used = 0.0;        // share after renormalising over the groups present
  value_summary stats;            // of the respondent scores behind `mean`
  suppression suppressed = suppression::none;
};

struct dimension_result {
  std::string id;
  std::string label;
  std::optional<double> score;    // 0..100, combined over groups like the unit score
  std::optional<double> points;   // score scaled to the component's points
  std::int64_t n = 0;             // respondents with a score in this dimension
  double weighted_n = 0.0;
  std::optional<double> se;       // standard error of `score`
  std::optional<double> ci_low;   // 95% confidence interval of `score`
  std::optional<double> ci_high;
  int lonely_strata = 0;          // strata with one respondent: they add nothing to `se`
  value_summary stats;            // sd, min, max of the respondents' dimension scores (all groups
                                  // pooled; no quartiles); se and the interval are those of `score`
};

// A derived respondent-level score (the definition's `formulas:`), per unit: the respondents'
// values averaged like a dimension score (weighted mean per group, combined over the groups with
// the shares used). Not scaled to points: a formula's values need not be on the 0..100 scale.
struct derived_result {
  std::string id;                 // the formula's name
  std::string label;
  std::optional<double> score;    // none when no respondent of the unit has a value
  std::int64_t n = 0;             // valid ballots with a value
  double weighted_n = 0.0;
  std::optional<double> se;       // standard error of `score` (as for dimensions)
  std::optional<double> ci_low;
  std::optional<double> ci_high;
  int lonely_strata = 0;
  value_summary stats;            // sd, min, max of the respondents' values (no quartiles)
};

struct option_result {
  std::string code;
  std::string label;
  std::int64_t count = 0;
  double share = 0.0;             // count / (answered + non-answers): blanks are not in the base
  bool non_answer = false;
  bool positive = false;
};

struct item_result {
  std::string id;
  std::string label;
  std::int64_t answered = 0;      // answers that count (scored options)
  std::int64_t non_answers = 0;   // "don't know" and other non-answer options
  std::int64_t blank = 0;
  std::vector<option_result> options;
  std::optional<double> mean_points;        // unweighted mean points over answered
  std::optional<double> satisfaction_rate;  // positive / answered
  std::optional<double> dont_know_rate;     // non_answers / (answered + non_answers)
  value_summary stats;                      // of the points of the answers (exact quantiles)
  std::optional<double> satisfaction_ci_low;   // Wilson 95% interval of satisfaction_rate
  std::optional<double> satisfaction_ci_high;
};

struct unit_result {
  std::string id;
  std::string label;
  std::optional<double> score;     // 0..100: sum_g share_used_g * mean_g
  std::optional<double> total;     // score * points / 100
  std::optional<int> rank;         // competition rank (1, 2, 2, 4); none when not ranked
  std::string not_ranked_reason;   // why a unit has no rank
  std::int64_t valid = 0;
  std::int64_t void_ballots = 0;
  std::int64_t rejected = 0;
  bool shares_renormalised = false;  // some group with a share had no valid ballot here
  double weighted_n = 0.0;         // sum of sampling weights of the valid ballots
  std::optional<double> score_se;  // standard error of `score` (Σ share_g · mean_g)
  int lonely_strata = 0;           // strata with one respondent: they add nothing to the SE
  std::optional<double> score_ci_low, score_ci_high;
  std::optional<double> total_se;  // standard error of `total` (score_se · points / 100)
  std::optional<double> total_ci_low, total_ci_high;
  std::optional<int> rank_low;     // 95% rank interval (parametric bootstrap); ranked units only
  std::optional<int> rank_high;
  // Against the unit ranked next below: do the totals differ at the 5% level? None for the last
  // ranked unit and when either SE is unknown.
  std::optional<bool> distinct_from_next;
  std::optional<double> p_next;    // two-sided p-value of that comparison
  value_summary stats;             // sd, min, quartiles, max of the respondent scores (all groups
                                   // pooled); se and the interval are those of `score`
  std::vector<group_result> groups;
  std::vector<dimension_result> dimensions;
  std::vector<item_result> items;
  // Withheld units are never ranked; their score, counts, statistics, dimensions and items are
  // hidden (item and option counts 0, every optional none).
  suppression suppressed = suppression::none;
  std::vector<derived_result> derived;  // one per derived formula, in definition order
};

// One comparison of two units adjacent in the ranking (see README, "Statistics").
struct rank_pair {
  std::string upper;               // the unit ranked higher
  std::string lower;
  double difference = 0.0;         // upper total − lower total
  std::optional<double> se;        // √(se_upper² + se_lower²)
  std::optional<double> z;
  std::optional<double> p;         // two-sided
  std::optional<bool> distinct;    // p < 0.05
};

struct reliability_item_result {
  std::string id;
  std::string label;
  std::int64_t n = 0;                           // respondents counted who answered the item
  std::optional<double> item_rest_r;
  std::optional<double> alpha_if_dropped;
  std::optional<double> alpha_std_if_dropped;
};

// Cronbach's alpha of one scale (all scored items, or one dimension), for all respondents or for
// one respondent group (pooled over units).
struct reliability_result {
  std::string scale;               // "all" or a dimension id
  std::string label;
  std::string group;               // empty = every group
  std::string missing;             // "listwise" or "pairwise"
  std::int64_t n = 0;              // respondents counted
  std::optional<double> alpha;
  std::optional<double> alpha_std;
  std::optional<double> average_r;
  std::vector<reliability_item_result> items;
  bool suppressed = false;         // withheld: fewer than min_cell respondents, or its group is
};

// What the statistics in the report rest on.
struct statistics_info {
  double confidence = 0.95;
  double z = 0.0;                  // the normal quantile used in every interval
  std::string strata;              // "groups" or the stratum column's name
  std::vector<std::string> stratum_ids;  // the strata seen, in the order the tally met them
  bool fpc = false;                // a finite population correction was applied
  bool sampling_weights = false;
  int rank_replicates = 0;
  std::uint64_t rank_seed = 0;
  std::string reliability;         // "listwise", "pairwise" or "" (not computed)
};

struct rejection_count {
  std::string id;  // error id, e.g. R204
  std::int64_t count = 0;
};

// Ballots voided for one reason: "min_answered", "valid_if" or "check <name>".
struct void_count {
  std::string reason;
  std::int64_t count = 0;
};

// One consistency check: how many rows failed it (rejected, voided or flagged per `action`).
struct check_count {
  std::string name;
  std::string action;  // "reject", "void" or "flag"
  std::int64_t failed = 0;
};

// Rows where a division by zero made a respondent formula missing: a derived formula's name,
// "ballot.valid_if", or "checks.<name>".
struct division_count {
  std::string formula;
  std::int64_t rows = 0;
};

struct accounting {
  std::int64_t rows_read = 0;
  std::int64_t scored = 0;        // valid ballots
  std::int64_t void_ballots = 0;
  std::int64_t rejected = 0;
  std::int64_t rejected_without_unit = 0;
  std::vector<rejection_count> rejected_by_reason;
  std::vector<row_rejection> rejection_samples;
  // With respondent formulas only (empty otherwise): void ballots by reason (those with a count),
  // every check, and the formulas with divisions by zero.
  std::vector<void_count> void_by_reason;
  std::vector<check_count> checks;
  std::vector<division_count> division_by_zero;

  [[nodiscard]] bool reconciles() const { return rows_read == scored + void_ballots + rejected; }
};

struct deferred_items;  // report/unit_items.hpp

struct report {
  std::string questionnaire_id;
  std::string questionnaire_version;
  std::string title;
  std::string language;
  double points = 100.0;
  std::int64_t min_valid = 1;
  std::optional<int> rank_decimals;
  std::vector<std::string> dimension_ids;
  std::vector<std::string> derived_ids;  // the derived formulas, in definition order
  // The definition has respondent formulas (derived scores, valid_if or checks): writers then
  // add the derived scores and the formula accounting.
  bool respondent_formulas = false;
  qscore::accounting accounting;
  std::vector<unit_result> units;     // ranked units by rank, then unranked units
  std::vector<group_result> groups;   // each group pooled over all units (share fields unused)
  statistics_info statistics;
  std::vector<rank_pair> rank_pairs;  // adjacent ranked units, in rank order
  std::vector<reliability_result> reliability;
  std::int64_t min_cell = 1;          // the privacy rule applied (README "Privacy")
  std::optional<scorecard_result> scorecard;  // the composite total, when the definition has one
  // Set when finalize deferred the units' items (report_options::defer_items): each unit's
  // `items` is then empty, and items_of(report, i) (report/unit_items.hpp) makes them from this.
  std::shared_ptr<const deferred_items> deferred;
};

}  // namespace qscore
