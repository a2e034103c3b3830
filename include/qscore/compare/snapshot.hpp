// report_snapshot: what `compare` needs from a finished qscore report, as plain values.
//
// A snapshot is read back from a JSON report (io/read_report.hpp) or built from a report in
// memory (snapshot_of below). Every number that a report may leave unpublished is optional: a
// null in the JSON (no ballots, a suppressed small cell) stays "not published" and is never
// taken as 0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "qscore/report/report.hpp"
#include "qscore/report/unit_items.hpp"

namespace qscore {

struct snapshot_group {
  std::string id;
  std::string label;
  std::int64_t n = 0;
  std::optional<double> mean;        // none: no valid ballot, or suppressed
  std::optional<double> share_used;
};

struct snapshot_dimension {
  std::string id;
  std::string label;
  std::optional<double> score;
};

struct snapshot_item {
  std::string id;
  std::string label;
  std::optional<double> mean_points;
  std::optional<double> satisfaction_rate;
};

struct snapshot_unit {
  std::string id;
  std::string label;
  std::optional<double> score;       // 0..100
  std::optional<double> total;       // on the report's points
  std::optional<int> rank;
  std::string not_ranked_reason;
  std::int64_t valid = 0;
  std::vector<snapshot_group> groups;
  std::vector<snapshot_dimension> dimensions;
  std::vector<snapshot_item> items;
};

// The composite scorecard ("scorecard" in the JSON report), when the report has one.
struct snapshot_component {
  std::string id;
  std::string label;
  double points = 0.0;               // the most this component can give
  std::optional<double> value;       // what the unit got
};

struct snapshot_scorecard_unit {
  std::string id;
  std::string label;
  std::optional<double> total;
  std::optional<int> rank;
  std::string band;
  bool vetoed = false;
  std::string veto_reason;
  std::string not_ranked_reason;
  std::vector<snapshot_component> components;
};

struct snapshot_scorecard {
  double points = 100.0;
  std::vector<snapshot_scorecard_unit> units;
};

struct report_snapshot {
  std::string source;                // where it was read from (a file name), for messages
  std::string qscore_version;        // the library version that wrote the report
  std::string questionnaire_id;
  std::string questionnaire_version;
  std::string title;
  std::string language;
  std::string fingerprint;           // empty when the report carries none
  double points = 100.0;
  std::vector<snapshot_unit> units;  // in report order: ranked by rank, then unranked
  std::optional<snapshot_scorecard> scorecard;
};

// The snapshot of a report in memory (for programs that compare without a JSON round trip).
[[nodiscard]] inline report_snapshot snapshot_of(const report& r, std::string source = {}) {
  report_snapshot s;
  s.source = std::move(source);
  s.questionnaire_id = r.questionnaire_id;
  s.questionnaire_version = r.questionnaire_version;
  s.title = r.title;
  s.language = r.language;
  s.points = r.points;
  std::vector<item_result> scratch;
  for (std::size_t n = 0; n < r.units.size(); ++n) {
    const unit_result& u = r.units[n];
    snapshot_unit su;
    su.id = u.id;
    su.label = u.label;
    su.score = u.score;
    su.total = u.total;
    su.rank = u.rank;
    su.not_ranked_reason = u.not_ranked_reason;
    su.valid = u.valid;
    for (const auto& g : u.groups) su.groups.push_back({g.id, g.label, g.n, g.mean, g.share_used});
    for (const auto& d : u.dimensions) su.dimensions.push_back({d.id, d.label, d.score});
    for (const auto& i : items_of(r, n, scratch)) su.items.push_back({i.id, i.label, i.mean_points, i.satisfaction_rate});
    s.units.push_back(std::move(su));
  }
  return s;
}

}  // namespace qscore
