// The finished report as plain values: no Eigen, no tallies. Writers only ever see this.
// Field names here are the field names of the JSON report (see README, "JSON report").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "qscore/data/response_batch.hpp"

namespace qscore {

struct group_result {
  std::string id;
  std::string label;
  std::int64_t n = 0;             // valid ballots
  std::int64_t void_ballots = 0;
  double weighted_n = 0.0;        // sum of sampling weights of the valid ballots
  std::optional<double> mean;     // weighted mean respondent score, 0..100; none without ballots
  double share = 0.0;             // declared share
  double share_used = 0.0;        // share after renormalising over the groups present
};

struct dimension_result {
  std::string id;
  std::string label;
  std::optional<double> score;    // 0..100, combined over groups like the unit score
  std::optional<double> points;   // score scaled to the component's points
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
  std::vector<group_result> groups;
  std::vector<dimension_result> dimensions;
  std::vector<item_result> items;
};

struct rejection_count {
  std::string id;  // error id, e.g. R204
  std::int64_t count = 0;
};

struct accounting {
  std::int64_t rows_read = 0;
  std::int64_t scored = 0;        // valid ballots
  std::int64_t void_ballots = 0;
  std::int64_t rejected = 0;
  std::int64_t rejected_without_unit = 0;
  std::vector<rejection_count> rejected_by_reason;
  std::vector<row_rejection> rejection_samples;

  [[nodiscard]] bool reconciles() const { return rows_read == scored + void_ballots + rejected; }
};

struct report {
  std::string questionnaire_id;
  std::string questionnaire_version;
  std::string title;
  std::string language;
  double points = 100.0;
  std::int64_t min_valid = 1;
  std::optional<int> rank_decimals;
  std::vector<std::string> dimension_ids;
  qscore::accounting accounting;
  std::vector<unit_result> units;     // ranked units by rank, then unranked units
  std::vector<group_result> groups;   // each group pooled over all units (share fields unused)
};

}  // namespace qscore
