// explain_unit(report, definition, unit) -> the audit trail of one unit's score as plain values:
// what `qscore explain UNIT` shows a unit that disputes its rank. It restates what the report
// already holds for the unit, arranged to be checked by hand:
//   - the survey total's arithmetic: each group's mean, declared share, share used (renormalised
//     over the groups with valid ballots, or not) and its part share_used × mean; the weighted
//     sum (the unit's score of 100) and its scaling to the survey's points;
//   - the ballots: valid, void (with the rule that voids a ballot), rejected (with the reason of
//     each rejected row of this unit among the rows the report keeps);
//   - with a scorecard: each component's points and value (cap, floor), each deduction with its
//     source rows, the veto, the band, the rank and how a tie on the total was settled.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qscore/model/instrument.hpp"
#include "qscore/report/report.hpp"
#include "qscore/tally/tally.hpp"

namespace qscore {

struct explained_group {
  std::string id;
  std::string label;
  std::int64_t valid = 0;
  std::int64_t void_ballots = 0;
  std::optional<double> mean;  // 0..100
  double share = 0.0;          // declared
  double share_used = 0.0;     // after renormalising
  std::optional<double> part;  // share_used × mean: what the group adds to the score
};

struct explanation {
  std::string unit_id;
  std::string unit_label;
  // Survey.
  double survey_points = 100.0;
  std::optional<double> survey_score;  // Σ part, 0..100
  std::optional<double> survey_total;  // survey_score × survey_points / 100
  bool renormalised = false;
  std::vector<explained_group> groups;
  std::optional<int> survey_rank;
  std::string survey_not_ranked_reason;
  std::int64_t min_valid = 1;
  // Ballots.
  std::int64_t valid = 0;
  std::int64_t void_ballots = 0;
  std::int64_t rejected = 0;
  double min_answered = 0.0;              // a ballot answering fewer than this fraction is void
  std::size_t item_count = 0;
  std::vector<row_rejection> rejections;  // this unit's rows among the report's kept samples
  bool rejections_complete = true;        // false when the report kept fewer samples than rows
  // Composite scorecard (none without one).
  std::optional<scorecard_unit> card;
  double card_points = 100.0;
  std::string card_total;                 // formula naming the total; "" = the sum of components
  std::vector<std::string> tie_break;
  std::string veto_action;
  std::string veto_file;
};

// The audit trail of the unit whose id or label is `unit`; none when the report has no such unit.
[[nodiscard]] inline std::optional<explanation> explain_unit(const report& r, const instrument& def,
                                                             std::string_view unit) {
  const unit_result* found = nullptr;
  std::size_t declared_index = def.units.size();
  for (const auto& u : r.units)
    if (u.id == unit || u.label == unit) found = &u;
  if (!found) {  // a label in another language
    for (const auto& d : def.units)
      for (const auto& [lang, text] : d.name.texts())
        if (text == unit)
          for (const auto& u : r.units)
            if (u.id == d.id) found = &u;
  }
  if (!found) return std::nullopt;
  for (std::size_t i = 0; i < def.units.size(); ++i)
    if (def.units[i].id == found->id) declared_index = i;

  explanation e;
  e.unit_id = found->id;
  e.unit_label = found->label;
  e.survey_points = r.points;
  e.survey_score = found->score;
  e.survey_total = found->total;
  e.renormalised = found->shares_renormalised;
  e.survey_rank = found->rank;
  e.survey_not_ranked_reason = found->not_ranked_reason;
  e.min_valid = r.min_valid;
  e.valid = found->valid;
  e.void_ballots = found->void_ballots;
  e.rejected = found->rejected;
  e.min_answered = def.ballot.min_answered;
  e.item_count = def.items.size();
  for (const auto& g : found->groups) {
    explained_group x{g.id, g.label, g.n, g.void_ballots, g.mean, g.share, g.share_used, std::nullopt};
    if (g.mean && g.share_used > 0.0) x.part = g.share_used * *g.mean;
    e.groups.push_back(std::move(x));
  }
  // Rejected rows name their unit by its index among the declared units; with units taken from
  // the data the index is that of one batch, so the rows cannot be told apart.
  if (declared_index < def.units.size())
    for (const auto& s : r.accounting.rejection_samples)
      if (s.unit == static_cast<int>(declared_index)) e.rejections.push_back(s);
  e.rejections_complete = static_cast<std::int64_t>(e.rejections.size()) == e.rejected;
  if (r.scorecard) {
    e.card_points = r.scorecard->points;
    e.card_total = r.scorecard->total;
    e.tie_break = r.scorecard->tie_break;
    e.veto_action = r.scorecard->veto_action;
    e.veto_file = r.scorecard->veto_file;
    for (const auto& u : r.scorecard->units)
      if (u.id == found->id) e.card = u;
  }
  return e;
}

}  // namespace qscore
