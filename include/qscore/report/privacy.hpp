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
//   audit        the counts, and the unit scores as equations in the cell means, are solved as a
//                linear system over the withheld entries; an entry the system determines (its unit
//                vector lies in the row space) gets a further complement in its row, else its
//                column, and the lines rule runs again.
// Entries with no ballot are published as 0 and never withheld: that nobody answered is not a
// value. A line with no published entry left to add (a table of one unit, say) cannot be
// protected further; privacy_plan::complete is then false.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <Eigen/LU>

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

// Entries are numbered cells first (u * G + g), then the units' valid counts, then the groups'
// pooled counts. A line is its entries plus its margin (an entry, or none for the grand total).
struct privacy_line {
  std::vector<std::size_t> entries;
  std::size_t margin = std::numeric_limits<std::size_t>::max();
  [[nodiscard]] bool margin_is_total() const { return margin == std::numeric_limits<std::size_t>::max(); }
};

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
  }

  privacy_plan run() {
    if (min_cell_ > 1) {
      for (std::size_t e = 0; e < size_.size(); ++e)
        if (size_[e] > 0 && size_[e] < min_cell_) state_[e] = suppression::below_min_cell;
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

  void apply_line_rule() {
    bool changed = true;
    while (changed) {
      changed = false;
      for (const privacy_line& line : lines_) {
        std::size_t count = 0;
        std::int64_t ballots = 0;
        for (const std::size_t e : line.entries)
          if (withheld(e)) {
            ++count;
            ballots += size_[e];
          }
        const bool margin_published = line.margin_is_total() || !withheld(line.margin);
        if (!margin_published) ++count;
        if (count == 0) continue;
        if (count >= 2 && (!margin_published || ballots >= min_cell_)) continue;
        const std::size_t add = complement_in(line);
        if (add == none) {
          complete_ = false;
          continue;
        }
        state_[add] = suppression::complement;
        changed = true;
      }
    }
  }

  // Rows of the counts system: each line's entries (+1) against its margin (−1), over the
  // withheld entries only (published ones are constants).
  [[nodiscard]] Eigen::MatrixXd counts_system(const std::vector<std::size_t>& unknowns) const {
    std::vector<std::ptrdiff_t> column(size_.size(), -1);
    for (std::size_t i = 0; i < unknowns.size(); ++i) column[unknowns[i]] = static_cast<std::ptrdiff_t>(i);
    Eigen::MatrixXd a = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(lines_.size()),
                                              static_cast<Eigen::Index>(unknowns.size()));
    for (std::size_t l = 0; l < lines_.size(); ++l) {
      const auto row = static_cast<Eigen::Index>(l);
      for (const std::size_t e : lines_[l].entries)
        if (column[e] >= 0) a(row, column[e]) = 1.0;
      if (!lines_[l].margin_is_total() && column[lines_[l].margin] >= 0) a(row, column[lines_[l].margin]) = -1.0;
    }
    return a;
  }

  // The unit scores of the published units as equations in the withheld cells' means.
  [[nodiscard]] Eigen::MatrixXd means_system(const std::vector<std::size_t>& unknowns) const {
    Eigen::MatrixXd a = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(table_.units),
                                              static_cast<Eigen::Index>(unknowns.size()));
    for (std::size_t i = 0; i < unknowns.size(); ++i) {
      const std::size_t u = unknowns[i] / table_.groups;
      if (!withheld(cells_ + u)) a(static_cast<Eigen::Index>(u), static_cast<Eigen::Index>(i)) = table_.share_used[unknowns[i]];
    }
    return a;
  }

  // Which unknowns the system a·x = b fixes: those whose coordinate is zero in every vector of
  // the kernel of a.
  static std::vector<bool> determined(const Eigen::MatrixXd& a) {
    std::vector<bool> out(static_cast<std::size_t>(a.cols()), false);
    if (a.cols() == 0 || a.rows() == 0) return out;
    const Eigen::FullPivLU<Eigen::MatrixXd> lu(a);
    if (lu.rank() == a.cols()) return std::vector<bool>(out.size(), true);
    const Eigen::MatrixXd kernel = lu.kernel();
    const double scale = kernel.cwiseAbs().maxCoeff();
    for (Eigen::Index i = 0; i < a.cols(); ++i)
      out[static_cast<std::size_t>(i)] = kernel.row(i).cwiseAbs().maxCoeff() <= 1e-9 * scale;
    return out;
  }

  // Adds a complement for every withheld entry the published values determine; false when none is.
  bool repair_determined() {
    std::vector<std::size_t> all, cells;
    for (std::size_t e = 0; e < size_.size(); ++e)
      if (withheld(e)) {
        all.push_back(e);
        if (e < cells_ && table_.share_used[e] != 0.0) cells.push_back(e);
      }
    std::vector<std::size_t> exposed;
    const std::vector<bool> by_count = determined(counts_system(all));
    for (std::size_t i = 0; i < all.size(); ++i)
      if (by_count[i]) exposed.push_back(all[i]);
    const std::vector<bool> by_mean = determined(means_system(cells));
    for (std::size_t i = 0; i < cells.size(); ++i)
      if (by_mean[i]) exposed.push_back(cells[i]);
    bool added = false;
    for (const std::size_t e : exposed) {
      for (const std::size_t l : lines_of(e)) {
        const std::size_t add = complement_in(lines_[l]);
        if (add == none) continue;
        state_[add] = suppression::complement;
        added = true;
        break;
      }
      if (!added) complete_ = false;
      if (added) break;  // one at a time: the lines rule may already cover the others
    }
    return added;
  }

  // The lines an entry belongs to, the one to look for a complement in first.
  [[nodiscard]] std::vector<std::size_t> lines_of(std::size_t e) const {
    const std::size_t u_count = table_.units, g_count = table_.groups;
    const std::size_t unit_totals = u_count + g_count, group_totals = unit_totals + 1;
    if (e < cells_) return {e / g_count, u_count + e % g_count};
    if (e < cells_ + u_count) return {unit_totals, e - cells_};
    return {group_totals, u_count + (e - cells_ - u_count)};
  }

  static constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
  const privacy_table& table_;
  std::int64_t min_cell_;
  std::size_t cells_;
  std::vector<std::int64_t> size_;
  std::vector<suppression> state_;
  std::vector<privacy_line> lines_;
  bool complete_ = true;
};

inline void withhold(value_summary& s) { s = value_summary{}; }

inline void withhold(group_result& g) {
  g.n = 0;
  g.weighted_n = 0.0;
  g.mean.reset();
  withhold(g.stats);
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
  for (item_result& item : u.items) {
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
