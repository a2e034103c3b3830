// Small-cell suppression (README "Privacy"): which cells of the unit x group table, which units
// and which pooled groups a report may publish, decided from the counts alone; and the hiding of
// the withheld values in a finished report. finalize() calls both; they are public so that the
// rules can be tested on hand-made tables.
//
// The table. Cells n_ug (valid ballots of group g in unit u) with their margins: each unit's
// valid count (row), each group's count pooled over units (column), and the grand total (the
// accounting's `scored`, always published). Means follow the same shape: a unit's score is
// Σ_g share_used_ug · mean_ug, a pooled group's mean is Σ_u w_ug · mean_ug / Σ_u w_ug.
//
// The rules, applied until nothing changes:
//   primary      a cell, unit or pooled group with 1..min_cell−1 valid ballots is withheld;
//   lines        every line of the table (a unit's row with its valid count, a group's column with
//                its pooled count, the units' valid counts against the total, the pooled groups'
//                counts against the total) that holds a withheld entry holds at least two, and
//                when the line's margin is published the withheld entries together hold at least
//                min_cell ballots (their sum, and their combined mean, can be worked out from the
//                margin: it must not describe fewer than min_cell people). The complement is the
//                published entry of the line with the fewest ballots (ties: the first), a cell
//                before the line's margin;
//   audit        the counts, and the unit scores as equations in the cell means, are read as a
//                linear system over the withheld entries; an entry the system determines (its
//                coordinate is zero in every vector of the kernel) gets a further complement in
//                its row, else its column, one at a time, and the lines rule runs again. The
//                system is not solved as a matrix: the counts' is the incidence matrix of a graph
//                on the lines, whose withheld entries are edges, and an entry is determined
//                exactly when it is a bridge of that graph; the means' splits by unit, and a cell
//                is determined exactly when it is the only withheld cell with a share in a
//                published unit (privacy_audit.hpp: determined_by_counts and
//                determined_by_means say why). The planner keeps both answers up to date as it
//                withholds entries (bridge_tracker, a count per unit), and the lines rule looks
//                again only at lines whose entries changed: a round costs about what it changes,
//                not a pass over the table (the dense system took cubic time a round).
// Entries with no ballot are published as 0 and never withheld: that nobody answered is not a
// value. A line with no published entry left to add (a table of one unit, say) cannot be
// protected further; privacy_plan::complete is then false.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "qscore/report/privacy_audit.hpp"
#include "qscore/report/report.hpp"

namespace qscore {

// The unit x group table as far as suppression needs it.
struct privacy_table {
  std::size_t units = 0;
  std::size_t groups = 0;
  std::vector<std::int64_t> n;     // valid ballots per cell, unit-major: n[u * groups + g]
  std::vector<double> share_used;  // each cell's coefficient in its unit's score (0: not in it)
};

struct privacy_plan {
  std::vector<suppression> cells;  // unit-major, like privacy_table::n
  std::vector<suppression> units;
  std::vector<suppression> groups;
  bool complete = true;            // false when some line had no entry left to withhold
};

namespace detail {

class privacy_planner {
 public:
  privacy_planner(const privacy_table& table, std::int64_t min_cell)
      : table_(table), min_cell_(min_cell), cells_(table.units * table.groups) {
    const std::size_t u_count = table.units, g_count = table.groups;
    size_.assign(cells_ + u_count + g_count, 0);
    for (std::size_t u = 0; u < u_count; ++u)
      for (std::size_t g = 0; g < g_count; ++g) {
        const std::int64_t n = table.n[u * g_count + g];
        size_[u * g_count + g] = n;
        size_[cells_ + u] += n;
        size_[cells_ + u_count + g] += n;
      }
    state_.assign(size_.size(), suppression::none);
    for (std::size_t u = 0; u < u_count; ++u) {
      privacy_line row;
      for (std::size_t g = 0; g < g_count; ++g) row.entries.push_back(u * g_count + g);
      row.margin = cells_ + u;
      lines_.push_back(std::move(row));
    }
    for (std::size_t g = 0; g < g_count; ++g) {
      privacy_line column;
      for (std::size_t u = 0; u < u_count; ++u) column.entries.push_back(u * g_count + g);
      column.margin = cells_ + u_count + g;
      lines_.push_back(std::move(column));
    }
    privacy_line unit_totals, group_totals;
    for (std::size_t u = 0; u < u_count; ++u) unit_totals.entries.push_back(cells_ + u);
    for (std::size_t g = 0; g < g_count; ++g) group_totals.entries.push_back(cells_ + u_count + g);
    lines_.push_back(std::move(unit_totals));
    lines_.push_back(std::move(group_totals));
    line_count_.assign(lines_.size(), 0);
    line_ballots_.assign(lines_.size(), 0);
    unit_shares_.assign(u_count, 0);
    unit_last_share_.assign(u_count, 0);
  }

  privacy_plan run() {
    if (min_cell_ > 1) {
      for (std::size_t e = 0; e < size_.size(); ++e)
        if (size_[e] > 0 && size_[e] < min_cell_) withhold_entry(e, suppression::below_min_cell);
      for (std::size_t l = 0; l < lines_.size(); ++l) dirty_.insert(l);
      // Each round adds at least one entry, so this ends; the bound is a guard, not a limit.
      for (std::size_t round = 0; round <= size_.size(); ++round) {
        apply_line_rule();
        if (!repair_determined()) break;
      }
    }
    privacy_plan plan;
    plan.complete = complete_;
    plan.cells.assign(state_.begin(), state_.begin() + static_cast<std::ptrdiff_t>(cells_));
    plan.units.assign(state_.begin() + static_cast<std::ptrdiff_t>(cells_),
                      state_.begin() + static_cast<std::ptrdiff_t>(cells_ + table_.units));
    plan.groups.assign(state_.begin() + static_cast<std::ptrdiff_t>(cells_ + table_.units), state_.end());
    return plan;
  }

 private:
  [[nodiscard]] bool withheld(std::size_t e) const { return state_[e] != suppression::none; }

  // Withholds entry e and brings up to date what the rules read:
  //   the tallies of its lines: it is an entry of the first, and of the second too when it is a
  //     cell (a unit's or group's count is the second's margin, read from its own state); both
  //     lines are for the lines rule to look at again;
  //   the bridges of the graph of withheld entries (determined_by_counts, kept edge by edge);
  //   the cells the unit scores determine (determined_by_means, kept by counting each unit's
  //     withheld cells with a share, and noting the last: while there is one, it is that one).
  void withhold_entry(std::size_t e, suppression why) {
    state_[e] = why;
    const std::array<std::size_t, 2> lines = lines_of(e);
    for (std::size_t i = 0; i < (e < cells_ ? 2U : 1U); ++i) {
      ++line_count_[lines[i]];
      line_ballots_[lines[i]] += size_[e];
    }
    for (const std::size_t l : lines) dirty_.insert(l);
    bridges_.add(e, lines[0], lines[1]);
    if (e < cells_ && table_.share_used[e] != 0.0) {
      const std::size_t u = e / table_.groups;
      const bool published = !withheld(cells_ + u);
      if (published && unit_shares_[u] == 1) by_means_.erase(unit_last_share_[u]);
      ++unit_shares_[u];
      unit_last_share_[u] = e;
      if (published && unit_shares_[u] == 1) by_means_.insert(e);
    } else if (e >= cells_ && e < cells_ + table_.units) {
      const std::size_t u = e - cells_;
      if (unit_shares_[u] == 1) by_means_.erase(unit_last_share_[u]);
    }
  }

  // The published entry of a line with the fewest ballots, a cell before the margin; none when
  // every entry with ballots is already withheld.
  [[nodiscard]] std::size_t complement_in(const privacy_line& line) const {
    std::size_t best = none;
    for (const std::size_t e : line.entries)
      if (!withheld(e) && size_[e] > 0 && (best == none || size_[e] < size_[best])) best = e;
    if (best == none && !line.margin_is_total() && !withheld(line.margin) && size_[line.margin] > 0)
      best = line.margin;
    return best;
  }

  // Passes over the lines in order until one changes nothing, each line that breaks the rule
  // getting one complement. A line none of whose entries changed since it was last looked at
  // gives the same answer again, so only the lines marked dirty are looked at, in the same
  // order: the same complements as looking at every line on every pass.
  void apply_line_rule() {
    std::size_t from = 0;
    while (!dirty_.empty()) {
      const auto it = dirty_.lower_bound(from);
      if (it == dirty_.end()) {
        from = 0;  // the next pass
        continue;
      }
      const std::size_t l = *it;
      dirty_.erase(it);
      from = l + 1;
      const privacy_line& line = lines_[l];
      const bool margin_published = line.margin_is_total() || !withheld(line.margin);
      const std::size_t count = line_count_[l] + (margin_published ? 0 : 1);
      if (count == 0) continue;
      if (count >= 2 && (!margin_published || line_ballots_[l] >= min_cell_)) continue;
      const std::size_t add = complement_in(line);
      if (add == none) {
        complete_ = false;
        continue;
      }
      withhold_entry(add, suppression::complement);
    }
  }

  // Adds a complement for the first withheld entry the published values determine (the counts'
  // in entry order, then the means'); false when none is, or none can have one. An entry with
  // nothing published left in its lines never will have (entries are only ever withheld), so it
  // is set aside for good: looking at it again would change nothing.
  bool repair_determined() {
    for (const bool counts : {true, false}) {
      const std::set<std::size_t>& exposed = counts ? bridges_.bridges() : by_means_;
      while (!exposed.empty()) {
        const std::size_t e = *exposed.begin();
        for (const std::size_t l : lines_of(e)) {
          const std::size_t add = complement_in(lines_[l]);
          if (add == none) continue;
          // One at a time: the lines rule may already cover the others.
          withhold_entry(add, suppression::complement);
          return true;
        }
        complete_ = false;
        bridges_.forget(e);
        by_means_.erase(e);
      }
    }
    return false;
  }

  [[nodiscard]] std::array<std::size_t, 2> lines_of(std::size_t e) const {
    return privacy_lines_of(table_.units, table_.groups, e);
  }

  static constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
  const privacy_table& table_;
  std::int64_t min_cell_;
  std::size_t cells_;
  std::vector<std::int64_t> size_;
  std::vector<suppression> state_;
  std::vector<privacy_line> lines_;
  std::vector<std::size_t> line_count_;     // withheld entries of each line, its margin aside
  std::vector<std::int64_t> line_ballots_;  // and their ballots
  std::set<std::size_t> dirty_;             // lines for the lines rule to look at
  bridge_tracker bridges_{table_.units + table_.groups + 2};
  std::vector<std::size_t> unit_shares_;      // each unit's withheld cells with a share
  std::vector<std::size_t> unit_last_share_;  // and the last of them withheld
  std::set<std::size_t> by_means_;            // the cells determined_by_means finds
  bool complete_ = true;
};

inline void withhold(value_summary& s) { s = value_summary{}; }

inline void withhold(group_result& g) {
  g.n = 0;
  g.weighted_n = 0.0;
  g.mean.reset();
  withhold(g.stats);
}

// An item of a withheld unit: its id, label and options stay; counts are 0, values none.
inline void withhold(item_result& item) {
  item.answered = item.non_answers = item.blank = 0;
  for (option_result& o : item.options) {
    o.count = 0;
    o.share = 0.0;
  }
  item.mean_points.reset();
  item.satisfaction_rate.reset();
  item.dont_know_rate.reset();
  withhold(item.stats);
  item.satisfaction_ci_low.reset();
  item.satisfaction_ci_high.reset();
}

inline void withhold(unit_result& u) {
  u.score.reset();
  u.total.reset();
  u.rank.reset();
  u.valid = 0;
  u.weighted_n = 0.0;
  u.score_se.reset();
  u.lonely_strata = 0;
  u.score_ci_low.reset();
  u.score_ci_high.reset();
  u.total_se.reset();
  u.total_ci_low.reset();
  u.total_ci_high.reset();
  u.rank_low.reset();
  u.rank_high.reset();
  u.distinct_from_next.reset();
  u.p_next.reset();
  withhold(u.stats);
  for (dimension_result& d : u.dimensions) {
    const std::string id = d.id, label = d.label;
    d = dimension_result{};
    d.id = id;
    d.label = label;
  }
  for (derived_result& d : u.derived) {
    const std::string id = d.id, label = d.label;
    d = derived_result{};
    d.id = id;
    d.label = label;
  }
  for (item_result& item : u.items) withhold(item);
}

}  // namespace detail

// Which entries of the table a report may publish (the rules at the top of this file).
[[nodiscard]] inline privacy_plan plan_privacy(const privacy_table& table, std::int64_t min_cell) {
  return detail::privacy_planner(table, min_cell).run();
}

// Blanks every value a finished report marks as withheld: units, their groups, pooled groups,
// and the reliability of withheld groups or of fewer than min_cell respondents.
inline void withhold_suppressed(report& r) {
  for (unit_result& u : r.units) {
    if (u.suppressed != suppression::none) detail::withhold(u);
    for (group_result& g : u.groups)
      if (g.suppressed != suppression::none) detail::withhold(g);
  }
  for (group_result& g : r.groups)
    if (g.suppressed != suppression::none) detail::withhold(g);
  for (reliability_result& rel : r.reliability) {
    bool hide = rel.n > 0 && rel.n < r.min_cell;
    for (const group_result& g : r.groups)
      if (!rel.group.empty() && g.id == rel.group && g.suppressed != suppression::none) hide = true;
    if (!hide) continue;
    rel.suppressed = true;
    rel.n = 0;
    rel.alpha.reset();
    rel.alpha_std.reset();
    rel.average_r.reset();
    for (reliability_item_result& item : rel.items) {
      item.n = 0;
      item.item_rest_r.reset();
      item.alpha_if_dropped.reset();
      item.alpha_std_if_dropped.reset();
    }
  }
}

}  // namespace qscore
