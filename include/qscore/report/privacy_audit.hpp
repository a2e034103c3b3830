// The audit of small-cell suppression (report/privacy.hpp, README "Privacy"): which withheld
// entries of the unit x group table the published counts and unit scores determine, as a graph
// test rather than a linear solve, and the bridges of a growing graph kept edge by edge for the
// planner. The numbering of entries and lines is the planner's (below).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <set>
#include <utility>
#include <vector>

namespace qscore::detail {

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

}  // namespace qscore::detail
