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
//                published unit (determined_by_counts and determined_by_means say why). The
//                planner keeps both answers up to date as it withholds entries (bridge_tracker,
//                a count per unit), and the lines rule looks again only at lines whose entries
//                changed: a round costs about what it changes, not a pass over the table (the
//                dense system took cubic time a round).
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
// Lines are numbered the units' rows first (u), then the groups' columns (U + g), then the
// units' valid counts against the total (U + G), then the groups' pooled counts (U + G + 1).
struct privacy_line {
  std::vector<std::size_t> entries;
  std::size_t margin = std::numeric_limits<std::size_t>::max();
  [[nodiscard]] bool margin_is_total() const { return margin == std::numeric_limits<std::size_t>::max(); }
};

// The two lines an entry belongs to, the one to look for a complement in first: a cell's row
// and column, a unit's valid count in the units' line and its own row (as the margin), a pooled
// group's count in the groups' line and its own column (as the margin).
[[nodiscard]] inline std::array<std::size_t, 2> privacy_lines_of(std::size_t units, std::size_t groups,
                                                                 std::size_t e) {
  const std::size_t cells = units * groups, unit_totals = units + groups, group_totals = unit_totals + 1;
  if (e < cells) return {e / groups, units + e % groups};
  if (e < cells + units) return {unit_totals, e - cells};
  return {group_totals, units + (e - cells - units)};
}

// Which withheld entries the published counts determine. `withheld` has one flag per entry
// (numbered as above); the answer has one too, set for the withheld entries that are fixed.
//
// Every line says Σ entries − margin = 0, and each entry is in exactly two lines (see
// privacy_lines_of): each withheld entry is an edge between two line nodes, and the withheld
// entries make a graph on the lines. (The grand total, which would join the two totals lines,
// is published: a constant, not an edge.) Negate the equations of the units' rows and of the
// units' line, which changes no solution: a cell is then −1 in its row and +1 in its column, a
// unit's count +1 in its row and −1 in the units' line, a group's count −1 in its column and +1
// in the groups' line. Every column of the system has one +1 and one −1: the system's matrix is
// the oriented incidence matrix of the graph, and its kernel is the graph's cycle space. Going
// round a cycle, ±1 on each of its edges as the walk follows or opposes the edge's orientation
// is a kernel vector, nonzero on the cycle; across an edge on no cycle (a bridge: removing it
// splits its component in two) every kernel vector is zero, since the equations of one side
// summed leave that edge alone. A withheld entry is therefore determined exactly when its edge
// is a bridge, found here in O(lines + withheld) with Tarjan's low-link numbers, the depth-first
// search kept on an explicit stack (a table can have thousands of units).
[[nodiscard]] inline std::vector<bool> determined_by_counts(std::size_t units, std::size_t groups,
                                                            const std::vector<bool>& withheld) {
  constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
  const std::size_t nodes = units + groups + 2;
  std::vector<bool> out(withheld.size(), false);
  std::vector<std::size_t> first(nodes + 1, 0);  // adjacency, node v's edges at first[v]..first[v+1]
  for (std::size_t e = 0; e < withheld.size(); ++e)
    if (withheld[e])
      for (const std::size_t v : privacy_lines_of(units, groups, e)) ++first[v + 1];
  for (std::size_t v = 0; v < nodes; ++v) first[v + 1] += first[v];
  std::vector<std::size_t> edges(first[nodes]), fill(first.begin(), first.end() - 1);
  for (std::size_t e = 0; e < withheld.size(); ++e)
    if (withheld[e])
      for (const std::size_t v : privacy_lines_of(units, groups, e)) edges[fill[v]++] = e;
  const auto other_end = [&](std::size_t e, std::size_t v) {
    const std::array<std::size_t, 2> ends = privacy_lines_of(units, groups, e);
    return ends[0] == v ? ends[1] : ends[0];
  };
  std::vector<std::size_t> order(nodes, none), low(nodes, 0), via(nodes, none), next(first.begin(), first.end() - 1);
  std::vector<std::size_t> stack;
  std::size_t time = 0;
  for (std::size_t root = 0; root < nodes; ++root) {
    if (order[root] != none) continue;
    order[root] = low[root] = time++;
    stack.push_back(root);
    while (!stack.empty()) {
      const std::size_t v = stack.back();
      if (next[v] < first[v + 1]) {
        const std::size_t e = edges[next[v]++];
        if (e == via[v]) continue;
        const std::size_t w = other_end(e, v);
        if (order[w] == none) {
          order[w] = low[w] = time++;
          via[w] = e;
          stack.push_back(w);
        } else {
          low[v] = std::min(low[v], order[w]);
        }
        continue;
      }
      stack.pop_back();
      if (via[v] == none) continue;
      const std::size_t parent = other_end(via[v], v);
      low[parent] = std::min(low[parent], low[v]);
      if (low[v] > order[parent]) out[via[v]] = true;  // nothing below v reaches above the edge
    }
  }
  return out;
}

// Which withheld cells the published unit scores determine, as equations in the cell means:
// a published unit's score is Σ_g share_used_ug · mean_ug, a withheld unit's is no equation,
// and a cell with share_used 0 is in none. Each equation has its own unknowns, so a cell is
// fixed exactly when its unit is published and it is the only withheld cell of the unit with a
// share; with two or more, any change to one can be offset by the other.
[[nodiscard]] inline std::vector<bool> determined_by_means(std::size_t units, std::size_t groups,
                                                           const std::vector<bool>& withheld,
                                                           const std::vector<double>& share_used) {
  std::vector<bool> out(withheld.size(), false);
  const std::size_t cells = units * groups;
  for (std::size_t u = 0; u < units; ++u) {
    if (withheld[cells + u]) continue;
    std::size_t found = 0, only = 0;
    for (std::size_t e = u * groups; e < (u + 1) * groups; ++e)
      if (withheld[e] && share_used[e] != 0.0) {
        ++found;
        only = e;
      }
    if (found == 1) out[only] = true;
  }
  return out;
}

// The bridges of a graph that only gains edges, kept up to date edge by edge (the planner adds
// one withheld entry at a time, and asks after each round which entries are bridges). The
// scheme is the usual one for online bridges (Westbrook and Tarjan 1992; cp-algorithms, "Finding
// bridges online"): the 2-edge-connected components, each shrunk to one node by a union-find,
// form a forest whose edges are exactly the bridges. An edge inside a component changes nothing.
// An edge between two trees is a new bridge: the smaller tree is re-rooted at its end and hung
// below the other end. An edge between two nodes of one tree closes a cycle with the tree path
// between them: the path's edges are bridges no more, and its components merge into one. Each
// node is re-rooted O(log nodes) times, so adding m edges costs O((nodes + m) log nodes).
class bridge_tracker {
 public:
  explicit bridge_tracker(std::size_t nodes)
      : component_(nodes), tree_(nodes), tree_size_(nodes, 1), parent_(nodes, none), parent_edge_(nodes, none),
        visited_(nodes, 0) {
    for (std::size_t v = 0; v < nodes; ++v) component_[v] = tree_[v] = v;
  }

  // Adds edge e between nodes a and b (e: any id, at most once).
  void add(std::size_t e, std::size_t a, std::size_t b) {
    a = find_component(a);
    b = find_component(b);
    if (a == b) return;
    std::size_t ta = find_tree(a), tb = find_tree(b);
    if (ta != tb) {
      if (tree_size_[ta] > tree_size_[tb]) {
        std::swap(a, b);
        std::swap(ta, tb);
      }
      make_root(a);
      parent_[a] = tree_[a] = b;
      parent_edge_[a] = e;
      tree_size_[tb] += tree_size_[a];
      bridges_.insert(e);
    } else {
      close_cycle(a, b);
    }
  }

  // The edges that are bridges now, by id.
  [[nodiscard]] const std::set<std::size_t>& bridges() const { return bridges_; }

  // Stops listing e among the bridges (the planner's way of setting one aside for good). An
  // edge only becomes a bridge when it is added, so e does not come back.
  void forget(std::size_t e) { bridges_.erase(e); }

 private:
  static constexpr std::size_t none = std::numeric_limits<std::size_t>::max();

  // The node standing for v's 2-edge-connected component (none for none), halving the path.
  std::size_t find_component(std::size_t v) {
    if (v == none) return none;
    while (component_[v] != v) {
      component_[v] = component_[component_[v]];
      v = component_[v];
    }
    return v;
  }

  // The root of the tree holding component node v, compressing the path.
  std::size_t find_tree(std::size_t v) {
    std::size_t root = v;
    for (std::size_t up = find_component(tree_[root]); up != root; up = find_component(tree_[root])) root = up;
    while (v != root) {
      const std::size_t next = find_component(tree_[v]);
      tree_[v] = root;
      v = next;
    }
    return root;
  }

  // Makes component node v the root of its tree, turning the path to the old root around.
  void make_root(std::size_t v) {
    const std::size_t root = v;
    std::size_t child = none, child_edge = none;
    while (v != none) {
      const std::size_t up = find_component(parent_[v]), up_edge = parent_edge_[v];
      parent_[v] = child;
      parent_edge_[v] = child_edge;
      tree_[v] = root;
      child = v;
      child_edge = up_edge;
      v = up;
    }
    tree_size_[root] = tree_size_[child];
  }

  // Component nodes a and b of one tree: merges the path between them, the bridges on it gone.
  void close_cycle(std::size_t a, std::size_t b) {
    ++visit_;
    std::vector<std::size_t> path_a, path_b;
    std::size_t meet = none;
    while (meet == none) {
      for (std::size_t* v : {&a, &b}) {
        if (*v == none || meet != none) continue;
        *v = find_component(*v);
        (v == &a ? path_a : path_b).push_back(*v);
        if (visited_[*v] == visit_) {
          meet = *v;
          break;
        }
        visited_[*v] = visit_;
        *v = parent_[*v];
      }
    }
    for (const std::vector<std::size_t>* path : {&path_a, &path_b})
      for (const std::size_t v : *path) {
        component_[v] = meet;
        if (v == meet) break;
        bridges_.erase(parent_edge_[v]);
      }
  }

  std::vector<std::size_t> component_;    // union-find of the 2-edge-connected components
  std::vector<std::size_t> tree_;         // union-find of the trees, over component nodes
  std::vector<std::size_t> tree_size_;    // nodes in the tree, at its root
  std::vector<std::size_t> parent_;       // a component node's parent in its tree (any node of it)
  std::vector<std::size_t> parent_edge_;  // and the bridge between them
  std::vector<std::uint64_t> visited_;    // close_cycle's marks
  std::uint64_t visit_ = 0;
  std::set<std::size_t> bridges_;
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
    withheld_.assign(size_.size(), false);
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
  [[nodiscard]] bool withheld(std::size_t e) const { return withheld_[e]; }

  // Withholds entry e and brings up to date what the rules read:
  //   the tallies of its lines: it is an entry of the first, and of the second too when it is a
  //     cell (a unit's or group's count is the second's margin, read from its own state); both
  //     lines are for the lines rule to look at again;
  //   the bridges of the graph of withheld entries (determined_by_counts, kept edge by edge);
  //   the cells the unit scores determine (determined_by_means, kept by counting each unit's
  //     withheld cells with a share, and noting the last: while there is one, it is that one).
  void withhold_entry(std::size_t e, suppression why) {
    state_[e] = why;
    withheld_[e] = true;
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
  std::vector<bool> withheld_;
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
