// compare(old, new): what changed between two reports of the same questionnaire (for example two
// monthly runs of an appraisal). Plain values in, plain values out; see README, "Comparing two
// reports".
//
// Sign conventions:
//   - every delta is new − old: a positive Δtotal, Δmean or Δrate is an improvement;
//   - a rank delta is old rank − new rank, so that it too is positive when the unit moved up
//     (from 5th to 2nd: +3);
//   - a delta exists only where both values are published; otherwise it is none (null), never 0.
//
// Basis: when both reports carry a composite scorecard, a unit's headline total and rank are the
// scorecard's, and each scorecard component is compared; otherwise they are the survey's. The
// survey result (units[].total) is always compared as `survey_total`.
//
// Units are matched by id, and within a unit groups, dimensions, items and components by id.
// Units only in the new report are `added`, units only in the old one `removed`.
//
// "Moved most": for each unit and overall, the `top` groups by |Δmean| and the `top` items by
// |Δmean_points| (items whose mean points are unpublished in either report are left out). Ties
// are broken by unit id, then group or item id (byte order), so the lists are deterministic.
//
// Errors: F119 when the reports are of different questionnaires (ids differ). Warnings (in
// comparison::warnings, also F119): different questionnaire versions, fingerprints, points or
// languages, which make some changes not like for like.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "qscore/compare/snapshot.hpp"
#include "qscore/core/diagnostic.hpp"
#include "qscore/detail/number_format.hpp"

namespace qscore {

struct value_change {
  std::optional<double> old_value;
  std::optional<double> new_value;
  std::optional<double> delta;   // new − old, when both are published
};

struct rank_change {
  std::optional<int> old_rank;
  std::optional<int> new_rank;
  std::optional<int> delta;      // old − new: positive = moved up
};

enum class presence : unsigned char { both, added, removed };

[[nodiscard]] inline const char* presence_name(presence p) {
  switch (p) {
    case presence::added: return "added";
    case presence::removed: return "removed";
    case presence::both: break;
  }
  return "both";
}

// A group (Δmean), a dimension (Δscore) or a scorecard component (Δvalue).
struct entry_change {
  std::string id;
  std::string label;
  value_change change;
};

struct item_change {
  std::string id;
  std::string label;
  value_change mean_points;
  value_change satisfaction_rate;
};

// One line of a "moved most" list.
struct mover {
  std::string unit_id;
  std::string unit_label;
  std::string id;                // group or item id
  std::string label;
  value_change change;           // a group's mean, or an item's mean points
};

struct unit_change {
  std::string id;
  std::string label;
  presence status = presence::both;
  value_change total;            // the headline total (scorecard or survey, see basis)
  rank_change rank;              // the headline rank
  std::string old_not_ranked_reason;
  std::string new_not_ranked_reason;
  value_change survey_total;     // units[].total, on the report's points
  value_change score;            // units[].score, 0..100
  // Scorecard basis only.
  std::optional<std::string> old_band, new_band;
  std::optional<bool> old_vetoed, new_vetoed;
  std::vector<entry_change> components;
  std::vector<entry_change> groups;       // Δmean
  std::vector<entry_change> dimensions;   // Δscore
  std::vector<item_change> items;         // Δmean_points, Δsatisfaction_rate
  std::vector<mover> top_groups;          // this unit's groups that moved most
  std::vector<mover> top_items;
};

struct comparison {
  std::string questionnaire_id;
  std::string old_version, new_version;
  std::string old_source, new_source;
  double old_points = 100.0, new_points = 100.0;  // of the headline totals
  std::string basis = "survey";                   // "scorecard" or "survey"
  std::size_t top = 3;
  std::vector<diagnostic> warnings;
  std::vector<unit_change> units;    // new report order, then removed units in old report order
  std::size_t units_compared = 0, units_added = 0, units_removed = 0;
  std::vector<mover> top_groups;     // over all units
  std::vector<mover> top_items;
};

struct compare_options {
  std::size_t top = 3;
  // Which report's labels to show: the one whose language is this; empty or no match = the new
  // report's (an entry only in the old report keeps the old label).
  std::string language;
};

namespace detail {

[[nodiscard]] inline value_change make_change(std::optional<double> before, std::optional<double> after) {
  value_change c{before, after, std::nullopt};
  if (before && after) c.delta = *after - *before;
  return c;
}

[[nodiscard]] inline rank_change make_rank_change(std::optional<int> before, std::optional<int> after) {
  rank_change c{before, after, std::nullopt};
  if (before && after) c.delta = *before - *after;
  return c;
}

// Index by id of a list of things with an `id`.
template <class T>
[[nodiscard]] std::map<std::string, const T*> index_by_id(const std::vector<T>& list) {
  std::map<std::string, const T*> out;
  for (const auto& x : list) out.emplace(x.id, &x);
  return out;
}

// Walks two lists matched by id: the new list's order, then entries only in the old one.
template <class T, class F>
void for_each_matched(const std::vector<T>& before, const std::vector<T>& after, F&& visit) {
  const auto old_index = index_by_id(before);
  const auto new_index = index_by_id(after);
  for (const auto& x : after) {
    const auto it = old_index.find(x.id);
    visit(it == old_index.end() ? nullptr : it->second, &x);
  }
  for (const auto& x : before)
    if (new_index.find(x.id) == new_index.end()) visit(&x, nullptr);
}

// The label to show for something present in one or both reports.
template <class T>
[[nodiscard]] std::string pick_label(const T* before, const T* after, bool prefer_old) {
  if (before && (prefer_old || !after)) return before->label;
  return after ? after->label : std::string();
}

// Largest |Δ| first; ties by unit id, then by id. Entries without a delta never get here.
inline void sort_movers(std::vector<mover>& list) {
  std::sort(list.begin(), list.end(), [](const mover& a, const mover& b) {
    const double da = std::fabs(*a.change.delta);
    const double db = std::fabs(*b.change.delta);
    if (da != db) return da > db;
    if (a.unit_id != b.unit_id) return a.unit_id < b.unit_id;
    return a.id < b.id;
  });
}

inline std::vector<mover> top_of(std::vector<mover> list, std::size_t n) {
  sort_movers(list);
  if (list.size() > n) list.resize(n);
  return list;
}

inline void warn(comparison& c, std::string message) {
  diagnostic d;
  d.code = errc::reports_differ;
  d.level = severity::warning;
  d.message = std::move(message);
  c.warnings.push_back(std::move(d));
}

inline unit_change compare_unit(const snapshot_unit* before, const snapshot_unit* after,
                                const snapshot_scorecard_unit* card_before, const snapshot_scorecard_unit* card_after,
                                bool scorecard_basis, bool prefer_old) {
  unit_change u;
  u.id = after ? after->id : before->id;
  u.label = pick_label(before, after, prefer_old);
  u.status = before && after ? presence::both : after ? presence::added : presence::removed;
  const auto opt = [](const auto* p, auto member) {
    using V = std::decay_t<decltype(p->*member)>;
    return p ? p->*member : V{};
  };
  u.survey_total = make_change(opt(before, &snapshot_unit::total), opt(after, &snapshot_unit::total));
  u.score = make_change(opt(before, &snapshot_unit::score), opt(after, &snapshot_unit::score));
  if (scorecard_basis) {
    u.total = make_change(opt(card_before, &snapshot_scorecard_unit::total),
                          opt(card_after, &snapshot_scorecard_unit::total));
    u.rank = make_rank_change(opt(card_before, &snapshot_scorecard_unit::rank),
                              opt(card_after, &snapshot_scorecard_unit::rank));
    if (card_before) {
      u.old_not_ranked_reason = card_before->not_ranked_reason;
      u.old_band = card_before->band;
      u.old_vetoed = card_before->vetoed;
    }
    if (card_after) {
      u.new_not_ranked_reason = card_after->not_ranked_reason;
      u.new_band = card_after->band;
      u.new_vetoed = card_after->vetoed;
    }
    static const std::vector<snapshot_component> none;
    for_each_matched(card_before ? card_before->components : none, card_after ? card_after->components : none,
                     [&](const snapshot_component* b, const snapshot_component* a) {
                       u.components.push_back({a ? a->id : b->id, pick_label(b, a, prefer_old),
                                               make_change(opt(b, &snapshot_component::value),
                                                           opt(a, &snapshot_component::value))});
                     });
  } else {
    u.total = u.survey_total;
    u.rank = make_rank_change(opt(before, &snapshot_unit::rank), opt(after, &snapshot_unit::rank));
    u.old_not_ranked_reason = opt(before, &snapshot_unit::not_ranked_reason);
    u.new_not_ranked_reason = opt(after, &snapshot_unit::not_ranked_reason);
  }

  static const snapshot_unit empty;
  const snapshot_unit& b = before ? *before : empty;
  const snapshot_unit& a = after ? *after : empty;
  for_each_matched(b.groups, a.groups, [&](const snapshot_group* x, const snapshot_group* y) {
    u.groups.push_back({y ? y->id : x->id, pick_label(x, y, prefer_old),
                        make_change(opt(x, &snapshot_group::mean), opt(y, &snapshot_group::mean))});
  });
  for_each_matched(b.dimensions, a.dimensions, [&](const snapshot_dimension* x, const snapshot_dimension* y) {
    u.dimensions.push_back({y ? y->id : x->id, pick_label(x, y, prefer_old),
                            make_change(opt(x, &snapshot_dimension::score), opt(y, &snapshot_dimension::score))});
  });
  for_each_matched(b.items, a.items, [&](const snapshot_item* x, const snapshot_item* y) {
    u.items.push_back({y ? y->id : x->id, pick_label(x, y, prefer_old),
                       make_change(opt(x, &snapshot_item::mean_points), opt(y, &snapshot_item::mean_points)),
                       make_change(opt(x, &snapshot_item::satisfaction_rate), opt(y, &snapshot_item::satisfaction_rate))});
  });
  return u;
}

}  // namespace detail

// Compares two reports of one questionnaire: `before` (the older run) and `after`.
[[nodiscard]] inline result<comparison> compare(const report_snapshot& before, const report_snapshot& after,
                                                const compare_options& options = {}) {
  if (before.questionnaire_id != after.questionnaire_id) {
    diagnostic d;
    d.code = errc::reports_differ;
    d.message = "cannot compare reports of different questionnaires: '" + before.source + "' is of '" +
                before.questionnaire_id + "', '" + after.source + "' is of '" + after.questionnaire_id +
                "' (expected both of the same questionnaire id)";
    d.path = "/questionnaire/id";
    return std::vector<diagnostic>{std::move(d)};
  }

  comparison c;
  c.questionnaire_id = after.questionnaire_id;
  c.old_version = before.questionnaire_version;
  c.new_version = after.questionnaire_version;
  c.old_source = before.source;
  c.new_source = after.source;
  c.top = options.top;
  const bool scorecard_basis = before.scorecard.has_value() && after.scorecard.has_value();
  c.basis = scorecard_basis ? "scorecard" : "survey";
  c.old_points = scorecard_basis ? before.scorecard->points : before.points;
  c.new_points = scorecard_basis ? after.scorecard->points : after.points;

  if (before.questionnaire_version != after.questionnaire_version)
    detail::warn(c, "the questionnaire versions differ (old '" + before.questionnaire_version + "', new '" +
                        after.questionnaire_version + "'): items, weights or rules may have changed");
  if (!before.fingerprint.empty() && !after.fingerprint.empty() && before.fingerprint != after.fingerprint)
    detail::warn(c, "the definition fingerprints differ (old " + before.fingerprint + ", new " + after.fingerprint +
                        "): the scoring rules changed between the runs");
  if (before.points != after.points)
    detail::warn(c, "the reports' points differ (old " + detail::format_shortest(before.points) + ", new " +
                        detail::format_shortest(after.points) + "): survey totals are on different scales");
  if (before.scorecard.has_value() != after.scorecard.has_value())
    detail::warn(c, std::string("only the ") + (before.scorecard ? "old" : "new") +
                        " report has a scorecard: totals and ranks are compared on the survey alone");
  if (scorecard_basis && before.scorecard->points != after.scorecard->points)
    detail::warn(c, "the scorecards' points differ (old " + detail::format_shortest(before.scorecard->points) + ", new " +
                        detail::format_shortest(after.scorecard->points) + ")");
  if (!before.language.empty() && !after.language.empty() && before.language != after.language)
    detail::warn(c, "the reports are in different languages (old '" + before.language + "', new '" + after.language +
                        "'): labels are taken from the " + (options.language == before.language ? "old" : "new") +
                        " one");
  const bool prefer_old = !options.language.empty() && options.language == before.language &&
                          options.language != after.language;

  std::map<std::string, const snapshot_scorecard_unit*> card_before, card_after;
  if (scorecard_basis) {
    card_before = detail::index_by_id(before.scorecard->units);
    card_after = detail::index_by_id(after.scorecard->units);
  }
  const auto card = [](const std::map<std::string, const snapshot_scorecard_unit*>& index,
                       const snapshot_unit* u) -> const snapshot_scorecard_unit* {
    if (!u) return nullptr;
    const auto it = index.find(u->id);
    return it == index.end() ? nullptr : it->second;
  };

  std::vector<mover> all_groups, all_items;
  detail::for_each_matched(before.units, after.units, [&](const snapshot_unit* b, const snapshot_unit* a) {
    unit_change u = detail::compare_unit(b, a, card(card_before, b), card(card_after, a), scorecard_basis, prefer_old);
    std::vector<mover> groups, items;
    for (const auto& g : u.groups)
      if (g.change.delta) groups.push_back({u.id, u.label, g.id, g.label, g.change});
    for (const auto& i : u.items)
      if (i.mean_points.delta) items.push_back({u.id, u.label, i.id, i.label, i.mean_points});
    all_groups.insert(all_groups.end(), groups.begin(), groups.end());
    all_items.insert(all_items.end(), items.begin(), items.end());
    u.top_groups = detail::top_of(std::move(groups), options.top);
    u.top_items = detail::top_of(std::move(items), options.top);
    switch (u.status) {
      case presence::both: ++c.units_compared; break;
      case presence::added: ++c.units_added; break;
      case presence::removed: ++c.units_removed; break;
    }
    c.units.push_back(std::move(u));
  });
  c.top_groups = detail::top_of(std::move(all_groups), options.top);
  c.top_items = detail::top_of(std::move(all_items), options.top);
  return c;
}

}  // namespace qscore
