// Small-cell suppression (README "Privacy"): the plan worked out by hand on small tables; the
// audit's graph test against the dense linear system it replaced, and the planner against the
// planner as first written (dense audit, every line on every pass); the values a withheld entry
// hides in the report; and an attacker who takes everything a JSON report publishes, writes it
// as a linear system over the withheld values, and must fail to determine any of them. The same
// attacker does recompute a cell that only the primary rule hides, so the attack can fail.
#include "qscore/report/privacy.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <Eigen/LU>

#include "qscore/data/batch_builder.hpp"
#include "qscore/detail/xoshiro.hpp"
#include "qscore/io/write_json.hpp"
#include "qscore/report/finalize.hpp"

namespace {

using namespace qscore;
using json = nlohmann::ordered_json;
using counts = std::vector<std::vector<int>>;  // ballots per unit (row) and group (column)

constexpr auto B = suppression::below_min_cell;
constexpr auto C = suppression::complement;
constexpr auto N = suppression::none;

// One numeric item 1..5 (0..100 points); groups g1..gG with equal shares; units u1..uU.
instrument table_definition(std::size_t units, std::size_t groups, std::int64_t min_cell) {
  instrument def;
  def.id = "privacy";
  answer_scale five;
  five.id = "five";
  five.kind = scale_kind::numeric;
  def.scales.push_back(five);
  def.items.push_back({"q", label("Q"), "five", 1.0, "", false, ""});
  double assigned = 0.0;
  for (std::size_t g = 0; g < groups; ++g) {
    const double share = g + 1 == groups ? 1.0 - assigned : 1.0 / static_cast<double>(groups);
    assigned += share;
    def.groups.push_back({"g" + std::to_string(g + 1), label("G" + std::to_string(g + 1)), share});
  }
  for (std::size_t u = 0; u < units; ++u) def.units.push_back({"u" + std::to_string(u + 1), label("U" + std::to_string(u + 1))});
  def.statistics.rank_replicates = 0;
  def.privacy.min_cell = min_cell;
  return def;
}

// The report of a table of cell sizes; each ballot answers 1..5, varied so that means differ.
report table_report(const counts& cells, std::int64_t min_cell) {
  const scoring_plan plan = compile(table_definition(cells.size(), cells.front().size(), min_cell)).value();
  batch_builder builder(plan);
  for (std::size_t u = 0; u < cells.size(); ++u)
    for (std::size_t g = 0; g < cells[u].size(); ++g)
      for (int i = 0; i < cells[u][g]; ++i) {
        const std::string answer = std::to_string(1 + (u * 7 + g * 3 + static_cast<std::size_t>(i) * 2) % 5);
        const std::array<std::string_view, 1> answers{answer};
        EXPECT_TRUE(builder.add_text_row("g" + std::to_string(g + 1), "u" + std::to_string(u + 1), answers, {}));
      }
  const response_batch batch = builder.take();
  tally totals = make_tally(plan);
  accumulate(totals, plan, batch, score(plan, batch));
  return finalize(plan, totals);
}

privacy_table table_of(const counts& cells) {
  privacy_table t;
  t.units = cells.size();
  t.groups = cells.front().size();
  for (const auto& row : cells)
    for (const int n : row) {
      t.n.push_back(n);
      t.share_used.push_back(n > 0 ? 1.0 / static_cast<double>(t.groups) : 0.0);
    }
  return t;
}

// ---------------------------------------------------------------------------------------------
// The attacker. Unknowns: every count, weighted count and mean the JSON report shows as null
// for a withheld cell, unit or pooled group, plus each withheld cell's weighted sum of scores
// (weighted_n · mean; a separate unknown, since its weighted count is withheld too). Equations,
// all from published numbers:
//   counts and weighted counts   unit valid / weighted_n = Σ of its cells;
//                                pooled group n / weighted_n = Σ of its cells over units;
//                                accounting.scored = Σ unit valid = Σ pooled group n
//   means                        unit score = Σ_g share_used · mean (published units);
//                                pooled weighted_n · mean = Σ_u weighted sums (published groups)
// A withheld value is recomputable exactly when its unit vector lies in the row space of the
// system: appending it does not raise the rank.
class attacker {
 public:
  explicit attacker(const json& doc) {
    const json& units = doc["units"];
    const json& groups = doc["groups"];
    for (const char* kind : {"n", "w"}) {
      const std::string count_key = kind == std::string("n") ? "n" : "weighted_n";
      const std::string valid_key = kind == std::string("n") ? "valid" : "weighted_n";
      equation unit_total, group_total;
      for (const auto& u : units) {
        equation row;
        for (const auto& g : u["groups"])
          if (g[count_key].is_null()) row[unknown(kind + cell(u, g))] += 1.0;
        if (u[valid_key].is_null()) {
          row[unknown(kind + std::string(":unit:") + u["id"].get<std::string>())] -= 1.0;
          unit_total[unknown(kind + std::string(":unit:") + u["id"].get<std::string>())] += 1.0;
        }
        add(row);
      }
      for (std::size_t g = 0; g < groups.size(); ++g) {
        equation column;
        for (const auto& u : units)
          if (u["groups"][g][count_key].is_null()) column[unknown(kind + cell(u, u["groups"][g]))] += 1.0;
        if (groups[g][count_key].is_null()) {
          const std::string id = kind + std::string(":group:") + groups[g]["id"].get<std::string>();
          column[unknown(id)] -= 1.0;
          group_total[unknown(id)] += 1.0;
        }
        add(column);
      }
      add(unit_total);
      add(group_total);
    }
    for (const auto& u : units) {
      if (u["score"].is_null()) continue;
      equation score;
      for (const auto& g : u["groups"])
        if (g["mean"].is_null() && g["share_used"].get<double>() > 0.0)
          score[unknown("m" + cell(u, g))] += g["share_used"].get<double>();
      add(score);
    }
    for (std::size_t g = 0; g < groups.size(); ++g) {
      if (groups[g]["mean"].is_null()) continue;
      equation pooled;
      for (const auto& u : units)
        if (u["groups"][g]["mean"].is_null() && u["groups"][g]["share_used"].get<double>() > 0.0)
          pooled[unknown("p" + cell(u, u["groups"][g]))] += 1.0;
      add(pooled);
    }
  }

  // Every withheld value the published numbers determine.
  [[nodiscard]] std::vector<std::string> recomputable() const {
    Eigen::MatrixXd a = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(equations_.size()),
                                              static_cast<Eigen::Index>(names_.size()));
    for (std::size_t e = 0; e < equations_.size(); ++e)
      for (const auto& [i, c] : equations_[e]) a(static_cast<Eigen::Index>(e), static_cast<Eigen::Index>(i)) = c;
    const Eigen::Index rank = a.rows() == 0 ? 0 : Eigen::FullPivLU<Eigen::MatrixXd>(a).rank();
    std::vector<std::string> out;
    for (std::size_t i = 0; i < names_.size(); ++i) {
      Eigen::MatrixXd with = Eigen::MatrixXd::Zero(a.rows() + 1, a.cols());
      with.topRows(a.rows()) = a;
      with(a.rows(), static_cast<Eigen::Index>(i)) = 1.0;
      if (Eigen::FullPivLU<Eigen::MatrixXd>(with).rank() == rank) out.push_back(names_[i]);
    }
    return out;
  }

  [[nodiscard]] std::size_t unknowns() const { return names_.size(); }

 private:
  using equation = std::map<std::size_t, double>;

  static std::string cell(const json& u, const json& g) {
    return ":" + u["id"].get<std::string>() + "/" + g["id"].get<std::string>();
  }
  std::size_t unknown(const std::string& name) {
    const auto [it, added] = index_.emplace(name, names_.size());
    if (added) names_.push_back(name);
    return it->second;
  }
  void add(const equation& e) {
    if (!e.empty()) equations_.push_back(e);
  }

  std::map<std::string, std::size_t> index_;
  std::vector<std::string> names_;
  std::vector<equation> equations_;
};

std::vector<suppression> cell_flags(const report& r) {
  std::vector<suppression> out;
  for (const auto& u : r.units)
    for (const auto& g : u.groups) out.push_back(g.suppressed);
  return out;
}

// Every cell, unit and pooled group with 1..min_cell−1 ballots is marked below_min_cell, and
// only those: a complement has at least min_cell.
void expect_primary_rule(const counts& cells, const report& r, std::int64_t min_cell) {
  std::vector<int> pooled(cells.front().size(), 0);
  for (std::size_t u = 0; u < cells.size(); ++u) {
    const unit_result& unit = r.units[u];  // no unit is ranked here, so report order = table order
    int valid = 0;
    for (std::size_t g = 0; g < cells[u].size(); ++g) {
      valid += cells[u][g];
      pooled[g] += cells[u][g];
      const bool small = cells[u][g] > 0 && cells[u][g] < min_cell;
      EXPECT_EQ(unit.groups[g].suppressed == B, small) << unit.id << "/" << unit.groups[g].id;
      if (cells[u][g] == 0) {
        EXPECT_EQ(unit.groups[g].suppressed, N);
      }
    }
    EXPECT_EQ(unit.suppressed == B, valid > 0 && valid < min_cell) << unit.id;
  }
  for (std::size_t g = 0; g < pooled.size(); ++g)
    EXPECT_EQ(r.groups[g].suppressed == B, pooled[g] > 0 && pooled[g] < min_cell) << r.groups[g].id;
}

// The report lists ranked units first; put them back in table order (u1, u2, ...).
report table_order(report r) {
  std::sort(r.units.begin(), r.units.end(), [](const unit_result& a, const unit_result& b) {
    return std::stoi(a.id.substr(1)) < std::stoi(b.id.substr(1));
  });
  return r;
}

// ---------------------------------------------------------------------------------------------
// The plan, by hand

TEST(privacy_plan, one_small_group_in_a_unit) {
  // u1 g3 has 2 ballots < 5. Row u1 then holds one withheld cell: the complement is the smallest
  // other cell of the row, u1 g1 (20; ties go to the first). Column g3 holds one: its
  // complement is u2 g3. Column g1 now holds one (u1 g1): complement u2 g1. Row u2 holds
  // g1 and g3 (40 ballots), every line has two, and the four form a cycle the counts cannot
  // solve (a + c, b + d, a + b, c + d known: rank 3 of 4).
  const counts cells{{20, 20, 2}, {20, 20, 20}, {20, 20, 20}};
  const privacy_plan plan = plan_privacy(table_of(cells), 5);
  EXPECT_EQ(plan.cells, (std::vector<suppression>{C, N, B, C, N, C, N, N, N}));
  EXPECT_EQ(plan.units, (std::vector<suppression>{N, N, N}));
  EXPECT_EQ(plan.groups, (std::vector<suppression>{N, N, N}));
  EXPECT_TRUE(plan.complete);
}

TEST(privacy_plan, one_small_cell_in_a_group_column) {
  // u2 g2 has 3 ballots. Row u2: complement u2 g1 (20). Column g1 then holds u2 g1 alone:
  // complement u1 g1 (20, the first of the equal cells). Column g2 holds u2 g2 alone: complement
  // u1 g2. Rows u1 and u2 and both columns then hold two each.
  const counts cells{{20, 20}, {20, 3}, {20, 20}, {20, 20}};
  const privacy_plan plan = plan_privacy(table_of(cells), 5);
  EXPECT_EQ(plan.cells, (std::vector<suppression>{C, C, C, B, N, N, N, N}));
  EXPECT_EQ(plan.units, (std::vector<suppression>(4, N)));
  EXPECT_TRUE(plan.complete);
}

TEST(privacy_plan, two_small_cells_that_together_are_still_too_few) {
  // u1 g1 (1) and u1 g2 (2) are both below 5, but together they hold 3 ballots, and the unit's
  // valid count and score give their sum and their share-weighted mean: the row adds its
  // smallest published cell, u1 g3 (30). Columns g1, g2, g3 then each need a complement in
  // u2 (40, 40, 40), and row u2 holds three.
  const counts cells{{1, 2, 30}, {40, 40, 40}};
  const privacy_plan plan = plan_privacy(table_of(cells), 5);
  EXPECT_EQ(plan.cells, (std::vector<suppression>{B, B, C, C, C, C}));
}

TEST(privacy_plan, a_small_unit_hides_a_second_unit) {
  // u1 has 3 valid ballots (2 + 1): the unit and both its cells are below 5. Columns g1 and g2
  // each hold one withheld cell: complements u2 g1 and u2 g2 (20 each, the smallest). The
  // units' valid counts add up to the accounting's `scored`, so u1's count would follow from
  // the others: the smallest published unit, u2 (40), is withheld as its complement.
  const counts cells{{2, 1}, {20, 20}, {30, 30}, {40, 40}};
  const privacy_plan plan = plan_privacy(table_of(cells), 5);
  EXPECT_EQ(plan.cells, (std::vector<suppression>{B, B, C, C, N, N, N, N}));
  EXPECT_EQ(plan.units, (std::vector<suppression>{B, C, N, N}));
  EXPECT_EQ(plan.groups, (std::vector<suppression>{N, N}));
}

TEST(privacy_plan, empty_cells_are_published_and_never_complements) {
  // u1 g2 is empty (0 ballots): published as 0, not a complement. u1 g1 (3) is below 5; row u1's
  // only other cell with ballots is u1 g3 (25).
  const counts cells{{3, 0, 25}, {10, 0, 10}};
  const privacy_plan plan = plan_privacy(table_of(cells), 5);
  EXPECT_EQ(plan.cells[1], N);
  EXPECT_EQ(plan.cells[4], N);
  EXPECT_EQ(plan.cells[0], B);
  EXPECT_EQ(plan.cells[2], C);
}

TEST(privacy_plan, min_cell_one_publishes_everything) {
  const counts cells{{1, 0}, {1, 1}};
  const privacy_plan plan = plan_privacy(table_of(cells), 1);
  EXPECT_EQ(plan.cells, (std::vector<suppression>(4, N)));
  EXPECT_EQ(plan.units, (std::vector<suppression>(2, N)));
}

TEST(privacy_plan, a_single_unit_cannot_be_protected_from_the_total) {
  // One unit with 3 ballots: its count is the accounting's `scored`, published for the
  // reconciliation. Nothing is left to withhold with it, and the plan says so.
  const counts cells{{2, 1}};
  const privacy_plan plan = plan_privacy(table_of(cells), 5);
  EXPECT_EQ(plan.units, (std::vector<suppression>{B}));
  EXPECT_FALSE(plan.complete);
}

TEST(privacy_plan, the_audit_says_when_it_cannot_add_a_complement) {
  //          g1  g2  g3 | valid
  //     u1   11   9   2 |  22
  //     u2   11   7   0 |  18
  //     u3    9   0   0 |   9
  //          31  16   2 |  49
  // u1 g3 (2) and pooled g3 (2) are below 5. The lines rule, pass by pass: row u1 adds u1 g2,
  // column g2 u2 g2, the groups' line g2 (16); row u2 adds u2 g1, column g1 u3 g1 (9); row u3,
  // with no other cell, its valid count (9); the units' line u2 (18). Every line then holds two
  // or more with enough ballots, but u2 g2 is determined: column g3 gives u1 g3 = g3, so the
  // groups' line (g2 + g3 = 49 − 31) less row u1 (u1 g2 + u1 g3 = 22 − 11) gives g2 − u1 g2 = 7
  // = u2 g2 (u3 g2 is 0). Its row and its column have nothing published left to withhold.
  const counts cells{{11, 9, 2}, {11, 7, 0}, {9, 0, 0}};
  const privacy_plan plan = plan_privacy(table_of(cells), 5);
  EXPECT_EQ(plan.cells, (std::vector<suppression>{N, C, B, C, C, N, C, N, N}));
  EXPECT_EQ(plan.units, (std::vector<suppression>{N, C, C}));
  EXPECT_EQ(plan.groups, (std::vector<suppression>{N, C, B}));
  EXPECT_FALSE(plan.complete);
}

// ---------------------------------------------------------------------------------------------
// The audit: the graph test against the dense linear system it replaced

// The audit as it was first written: the counts and the unit scores as dense matrices over the
// withheld entries, and an unknown determined when its coordinate is zero in every vector of
// the kernel (Eigen's FullPivLU). Entries are numbered as the planner numbers them: cells
// u * G + g, then the units' valid counts, then the groups' pooled counts.
std::vector<bool> dense_determined(const Eigen::MatrixXd& a) {
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

struct dense_audit {
  std::vector<bool> by_counts, by_means;  // one flag per entry
};

dense_audit dense_reference(std::size_t units, std::size_t groups, const std::vector<bool>& withheld,
                            const std::vector<double>& share_used) {
  const std::size_t cells = units * groups, entries = cells + units + groups;
  const auto unit_entry = [&](std::size_t u) { return cells + u; };
  const auto group_entry = [&](std::size_t g) { return cells + units + g; };
  // The lines, as +1 entries and −1 margins: rows, columns, units against the total, groups
  // against the total.
  std::vector<std::vector<std::pair<std::size_t, double>>> lines;
  for (std::size_t u = 0; u < units; ++u) {
    lines.emplace_back();
    for (std::size_t g = 0; g < groups; ++g) lines.back().emplace_back(u * groups + g, 1.0);
    lines.back().emplace_back(unit_entry(u), -1.0);
  }
  for (std::size_t g = 0; g < groups; ++g) {
    lines.emplace_back();
    for (std::size_t u = 0; u < units; ++u) lines.back().emplace_back(u * groups + g, 1.0);
    lines.back().emplace_back(group_entry(g), -1.0);
  }
  lines.emplace_back();
  for (std::size_t u = 0; u < units; ++u) lines.back().emplace_back(unit_entry(u), 1.0);
  lines.emplace_back();
  for (std::size_t g = 0; g < groups; ++g) lines.back().emplace_back(group_entry(g), 1.0);

  dense_audit out{std::vector<bool>(entries, false), std::vector<bool>(entries, false)};
  std::vector<std::size_t> unknowns;
  std::vector<Eigen::Index> column(entries, -1);
  for (std::size_t e = 0; e < entries; ++e)
    if (withheld[e]) {
      column[e] = static_cast<Eigen::Index>(unknowns.size());
      unknowns.push_back(e);
    }
  Eigen::MatrixXd by_count = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(lines.size()),
                                                   static_cast<Eigen::Index>(unknowns.size()));
  for (std::size_t l = 0; l < lines.size(); ++l)
    for (const auto& [e, c] : lines[l])
      if (column[e] >= 0) by_count(static_cast<Eigen::Index>(l), column[e]) = c;
  const std::vector<bool> fixed = dense_determined(by_count);
  for (std::size_t i = 0; i < unknowns.size(); ++i) out.by_counts[unknowns[i]] = fixed[i];

  std::vector<std::size_t> means_unknowns;
  for (std::size_t e = 0; e < cells; ++e)
    if (withheld[e] && share_used[e] != 0.0) means_unknowns.push_back(e);
  Eigen::MatrixXd means = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(units),
                                                static_cast<Eigen::Index>(means_unknowns.size()));
  for (std::size_t i = 0; i < means_unknowns.size(); ++i) {
    const std::size_t u = means_unknowns[i] / groups;
    if (!withheld[unit_entry(u)])
      means(static_cast<Eigen::Index>(u), static_cast<Eigen::Index>(i)) = share_used[means_unknowns[i]];
  }
  const std::vector<bool> fixed_means = dense_determined(means);
  for (std::size_t i = 0; i < means_unknowns.size(); ++i) out.by_means[means_unknowns[i]] = fixed_means[i];
  return out;
}

std::vector<std::size_t> set_flags(const std::vector<bool>& flags) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < flags.size(); ++i)
    if (flags[i]) out.push_back(i);
  return out;
}

TEST(privacy_audit, a_three_by_three_table_worked_by_hand) {
  // Entries: cells 0..8 (u1g1 u1g2 u1g3 u2g1 .. u3g3), units' counts 9..11 (n_u1..n_u3),
  // groups' counts 12..14 (n_g1..n_g3). Withheld (W):
  //
  //          g1   g2   g3  | n_u
  //     u1    W    W    .  |  W
  //     u2    W    W    .  |  .
  //     u3    .    .    W  |  W
  //     n_g   W    W    .  |  total (published)
  //
  // Counts. Column g3 has one unknown, u3g3: n_g3 − u1g3 − u2g3. Row u3 then gives n_u3, and the
  // units' line (n_u1 + n_u2 + n_u3 = total) gives n_u1. The rest is not fixed: +d on u1g1,
  // u2g2 and −d on u1g2, u2g1 leaves every row and column sum as it was, and +d on u1g1, n_g1,
  // −d on u1g2, n_g2 leaves row u1, columns g1, g2 and the groups' line as they were. In the
  // graph on the lines (rows u1..u3, columns g1..g3, the units' line U*, the groups' line G*)
  // the withheld entries are the edges u1-g1, u1-g2, u2-g1, u2-g2 (a cycle), g1-G*, g2-G*
  // (with u1-g1, u1-g2 another cycle), and the path g3 - u3 - U* - u1 hanging off it: u3g3,
  // n_u3 and n_u1 are the bridges.
  //
  // Means. u1 and u3 are withheld, so only u2's score is an equation: u2g2 has no share in it
  // (share_used 0), so u2g1 is its only unknown and is fixed. The means fix nothing else.
  const std::size_t units = 3, groups = 3;
  std::vector<bool> withheld(15, false);
  for (const std::size_t e : {0, 1, 3, 4, 8, 9, 11, 12, 13}) withheld[e] = true;
  std::vector<double> share(9, 1.0 / 3.0);
  share[4] = 0.0;
  const std::vector<std::size_t> by_counts{8, 9, 11}, by_means{3};
  EXPECT_EQ(set_flags(detail::determined_by_counts(units, groups, withheld)), by_counts);
  EXPECT_EQ(set_flags(detail::determined_by_means(units, groups, withheld, share)), by_means);
  // The dense reference, used below for random tables, agrees with the hand.
  const dense_audit dense = dense_reference(units, groups, withheld, share);
  EXPECT_EQ(set_flags(dense.by_counts), by_counts);
  EXPECT_EQ(set_flags(dense.by_means), by_means);
  // With a share for u2g2 too, u2's score has two unknowns and fixes neither.
  share[4] = 0.2;
  EXPECT_EQ(set_flags(detail::determined_by_means(units, groups, withheld, share)), std::vector<std::size_t>{});
}

TEST(privacy_audit, the_graph_test_agrees_with_the_dense_system_on_random_tables) {
  // 1..7 units x 1..5 groups; each table its own chance that a cell, and that a margin, is
  // withheld (from none to all), and a quarter of the shares 0.
  detail::xoshiro256ss rng(20240611);
  std::size_t determined_counts = 0, open_counts = 0, determined_means = 0, open_means = 0;
  for (int table = 0; table < 3000; ++table) {
    const std::size_t units = 1 + rng.next() % 7, groups = 1 + rng.next() % 5;
    const std::size_t cells = units * groups, entries = cells + units + groups;
    const std::uint64_t cell_odds = rng.next() % 11, margin_odds = rng.next() % 11;  // in tenths
    std::vector<bool> withheld(entries);
    for (std::size_t e = 0; e < entries; ++e) withheld[e] = rng.next() % 10 < (e < cells ? cell_odds : margin_odds);
    std::vector<double> share(cells);
    for (double& s : share) s = rng.next() % 4 == 0 ? 0.0 : static_cast<double>(1 + rng.next() % 9) / 10.0;
    const dense_audit dense = dense_reference(units, groups, withheld, share);
    const std::vector<bool> by_counts = detail::determined_by_counts(units, groups, withheld);
    const std::vector<bool> by_means = detail::determined_by_means(units, groups, withheld, share);
    SCOPED_TRACE("table " + std::to_string(table) + ": " + std::to_string(units) + " x " + std::to_string(groups));
    ASSERT_EQ(by_counts, dense.by_counts);
    ASSERT_EQ(by_means, dense.by_means);
    for (std::size_t e = 0; e < entries; ++e) {
      if (!withheld[e]) continue;
      ++(by_counts[e] ? determined_counts : open_counts);
      if (e < cells && share[e] != 0.0) ++(by_means[e] ? determined_means : open_means);
    }
  }
  // Both answers came up often, for both systems.
  EXPECT_GT(determined_counts, 1000U);
  EXPECT_GT(open_counts, 1000U);
  EXPECT_GT(determined_means, 1000U);
  EXPECT_GT(open_means, 1000U);
}

TEST(privacy_audit, the_bridges_kept_edge_by_edge_are_those_of_the_whole_graph) {
  // The planner keeps the bridges up to date as it withholds entries, in any order: after each
  // entry, they are those determined_by_counts finds on the whole table. 1..12 units x 1..6
  // groups, every entry added in a random order; and three 60 x 9 tables.
  detail::xoshiro256ss rng(31);
  std::size_t checks = 0, bridges_seen = 0, bridges_gone = 0;
  for (int table = 0; table < 600; ++table) {
    const bool large = table < 3;
    const std::size_t units = large ? 60 : 1 + rng.next() % 12, groups = large ? 9 : 1 + rng.next() % 6;
    const std::size_t entries = units * groups + units + groups;
    std::vector<std::size_t> order(entries);
    for (std::size_t e = 0; e < entries; ++e) order[e] = e;
    for (std::size_t i = entries - 1; i > 0; --i) std::swap(order[i], order[rng.next() % (i + 1)]);
    detail::bridge_tracker tracker(units + groups + 2);
    std::vector<bool> withheld(entries, false);
    std::size_t before = 0;
    SCOPED_TRACE("table " + std::to_string(table) + ": " + std::to_string(units) + " x " + std::to_string(groups));
    for (const std::size_t e : order) {
      const std::array<std::size_t, 2> ends = detail::privacy_lines_of(units, groups, e);
      tracker.add(e, ends[0], ends[1]);
      withheld[e] = true;
      const std::vector<std::size_t> kept(tracker.bridges().begin(), tracker.bridges().end());
      ASSERT_EQ(kept, set_flags(detail::determined_by_counts(units, groups, withheld)));
      ++checks;
      bridges_gone += before > kept.size() ? before - kept.size() : 0;
      bridges_seen += kept.size();
      before = kept.size();
    }
    EXPECT_TRUE(tracker.bridges().empty() || units == 1 || groups == 1);  // all in: a cycle through every edge
  }
  EXPECT_GT(checks, 20000U);        // 21,145
  EXPECT_GT(bridges_seen, 50000U);  // 59,539
  EXPECT_GT(bridges_gone, 5000U);   // 6,575: bridges that an edge closing a cycle through them undid
}

// The planner as it was first written, its audit the dense system above (or, for tables too
// large for it, the graph test on the whole table), recomputed every round, one complement a
// round and every line looked at on every pass. `audit` counts the complements the audit added
// (not the lines rule), for an entry the counts determined and for one the means did.
struct audit_tally {
  std::size_t by_counts = 0, by_means = 0;
};

privacy_plan reference_plan(const privacy_table& t, std::int64_t min_cell, audit_tally& audit, bool dense = true) {
  const std::size_t units = t.units, groups = t.groups, cells = units * groups, entries = cells + units + groups;
  constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
  std::vector<std::int64_t> size(entries, 0);
  for (std::size_t u = 0; u < units; ++u)
    for (std::size_t g = 0; g < groups; ++g) {
      size[u * groups + g] = t.n[u * groups + g];
      size[cells + u] += t.n[u * groups + g];
      size[cells + units + g] += t.n[u * groups + g];
    }
  struct line {
    std::vector<std::size_t> entries;
    std::size_t margin = none;  // none: the grand total
  };
  std::vector<line> lines;
  for (std::size_t u = 0; u < units; ++u) {
    lines.push_back({{}, cells + u});
    for (std::size_t g = 0; g < groups; ++g) lines.back().entries.push_back(u * groups + g);
  }
  for (std::size_t g = 0; g < groups; ++g) {
    lines.push_back({{}, cells + units + g});
    for (std::size_t u = 0; u < units; ++u) lines.back().entries.push_back(u * groups + g);
  }
  lines.push_back({{}, none});
  for (std::size_t u = 0; u < units; ++u) lines.back().entries.push_back(cells + u);
  lines.push_back({{}, none});
  for (std::size_t g = 0; g < groups; ++g) lines.back().entries.push_back(cells + units + g);
  // The lines of an entry, the one to look for a complement in first.
  const auto lines_of = [&](std::size_t e) -> std::vector<std::size_t> {
    if (e < cells) return {e / groups, units + e % groups};
    if (e < cells + units) return {units + groups, e - cells};
    return {units + groups + 1, units + (e - cells - units)};
  };

  std::vector<suppression> state(entries, N);
  bool complete = true;
  const auto withheld = [&](std::size_t e) { return state[e] != N; };
  const auto complement_in = [&](const line& l) {
    std::size_t best = none;
    for (const std::size_t e : l.entries)
      if (!withheld(e) && size[e] > 0 && (best == none || size[e] < size[best])) best = e;
    if (best == none && l.margin != none && !withheld(l.margin) && size[l.margin] > 0) best = l.margin;
    return best;
  };
  if (min_cell > 1) {
    for (std::size_t e = 0; e < entries; ++e)
      if (size[e] > 0 && size[e] < min_cell) state[e] = B;
    for (std::size_t round = 0; round <= entries; ++round) {
      for (bool changed = true; changed;) {
        changed = false;
        for (const line& l : lines) {
          std::size_t count = 0;
          std::int64_t ballots = 0;
          for (const std::size_t e : l.entries)
            if (withheld(e)) {
              ++count;
              ballots += size[e];
            }
          const bool margin_published = l.margin == none || !withheld(l.margin);
          if (!margin_published) ++count;
          if (count == 0 || (count >= 2 && (!margin_published || ballots >= min_cell))) continue;
          const std::size_t add = complement_in(l);
          if (add == none) {
            complete = false;
            continue;
          }
          state[add] = C;
          changed = true;
        }
      }
      std::vector<bool> w(entries);
      for (std::size_t e = 0; e < entries; ++e) w[e] = withheld(e);
      const dense_audit found =
          dense ? dense_reference(units, groups, w, t.share_used)
                : dense_audit{detail::determined_by_counts(units, groups, w),
                              detail::determined_by_means(units, groups, w, t.share_used)};
      std::vector<std::size_t> exposed = set_flags(found.by_counts);
      const std::size_t from_counts = exposed.size();
      for (const std::size_t e : set_flags(found.by_means)) exposed.push_back(e);
      bool added = false;
      for (std::size_t i = 0; i < exposed.size(); ++i) {
        for (const std::size_t l : lines_of(exposed[i])) {
          const std::size_t add = complement_in(lines[l]);
          if (add == none) continue;
          state[add] = C;
          added = true;
          ++(i < from_counts ? audit.by_counts : audit.by_means);
          break;
        }
        if (added) break;
        complete = false;
      }
      if (!added) break;
    }
  }
  privacy_plan plan;
  plan.complete = complete;
  plan.cells.assign(state.begin(), state.begin() + static_cast<std::ptrdiff_t>(cells));
  plan.units.assign(state.begin() + static_cast<std::ptrdiff_t>(cells),
                    state.begin() + static_cast<std::ptrdiff_t>(cells + units));
  plan.groups.assign(state.begin() + static_cast<std::ptrdiff_t>(cells + units), state.end());
  return plan;
}

// A random table: `units` x `groups` cells, one in `small` of them small (0..4 ballots), the
// rest min..min+range−1. Shares as finalize gives them: the group's share over the shares of
// the groups the unit has ballots in, here 1..3 or, with `zero_shares`, a quarter of the groups
// 0 (a group with ballots but no share in the unit scores).
privacy_table random_table(detail::xoshiro256ss& rng, std::size_t units, std::size_t groups, std::uint64_t small,
                           int min, int range, bool zero_shares = false) {
  privacy_table t;
  t.units = units;
  t.groups = groups;
  std::vector<double> share(groups);
  for (double& s : share) s = zero_shares && rng.next() % 4 == 0 ? 0.0 : static_cast<double>(1 + rng.next() % 3);
  for (std::size_t u = 0; u < units; ++u) {
    double present = 0.0;
    for (std::size_t g = 0; g < groups; ++g) {
      const int n = rng.next() % small == 0
                        ? static_cast<int>(rng.next() % 5)
                        : min + static_cast<int>(rng.next() % static_cast<std::uint64_t>(range));
      t.n.push_back(n);
      present += n > 0 ? share[g] : 0.0;
    }
    for (std::size_t g = 0; g < groups; ++g)
      t.share_used.push_back(t.n[u * groups + g] > 0 && present > 0.0 ? share[g] / present : 0.0);
  }
  return t;
}

TEST(privacy_audit, plans_are_those_of_the_dense_planner) {
  // 1..12 units x 1..6 groups, a half to a quarter of the cells small, min_cell 3, 5 or 10, half
  // the tables with groups of no share: the same plan, complement for complement. The lines rule
  // leaves the audit little to do on most tables, hence so many.
  detail::xoshiro256ss rng(7);
  audit_tally audit;
  std::size_t incomplete = 0;
  for (int i = 0; i < 1000; ++i) {
    const std::size_t units = 1 + rng.next() % 12, groups = 1 + rng.next() % 6;
    const std::int64_t min_cell = std::array<std::int64_t, 3>{3, 5, 10}[rng.next() % 3];
    const privacy_table t = random_table(rng, units, groups, 2 + rng.next() % 3, 5, 20, i % 2 == 1);
    const privacy_plan expected = reference_plan(t, min_cell, audit);
    const privacy_plan plan = plan_privacy(t, min_cell);
    SCOPED_TRACE("table " + std::to_string(i) + ": " + std::to_string(units) + " x " + std::to_string(groups));
    ASSERT_EQ(plan.cells, expected.cells);
    ASSERT_EQ(plan.units, expected.units);
    ASSERT_EQ(plan.groups, expected.groups);
    ASSERT_EQ(plan.complete, expected.complete);
    incomplete += expected.complete ? 0 : 1;
  }
  // The audit had work to do (24 complements for an entry the counts determined, 630 for one
  // the means did), and some tables could not be protected (4).
  EXPECT_GT(audit.by_counts, 15U);
  EXPECT_GT(audit.by_means, 400U);
  EXPECT_GT(incomplete, 2U);
}

// Blocks of `units` x `groups` cells down the diagonal of a table, empty outside them; in a
// block one cell in `small` has 0..4 ballots, the rest 5..24. Withheld entries of different
// blocks meet only in the two totals lines, so the audit finds bridges the lines rule left.
privacy_table block_table(detail::xoshiro256ss& rng, std::size_t blocks, std::size_t units, std::size_t groups,
                          std::uint64_t small) {
  privacy_table t;
  t.units = blocks * units;
  t.groups = blocks * groups;
  for (std::size_t u = 0; u < t.units; ++u) {
    std::size_t present = 0;
    for (std::size_t g = 0; g < t.groups; ++g) {
      int n = 0;
      if (g / groups == u / units)
        n = rng.next() % small == 0 ? static_cast<int>(rng.next() % 5) : 5 + static_cast<int>(rng.next() % 20);
      t.n.push_back(n);
      present += n > 0 ? 1 : 0;
    }
    for (std::size_t g = 0; g < t.groups; ++g)
      t.share_used.push_back(t.n[u * t.groups + g] > 0 ? 1.0 / static_cast<double>(present) : 0.0);
  }
  return t;
}

TEST(privacy_audit, plans_of_larger_tables_are_those_of_the_planner_as_first_written) {
  // Tables too large for the dense system, the reference's audit recomputed on the whole table
  // by the graph test every round: 300 units x 9 groups, with groups of no share (the means
  // determine cells), and 30 blocks of 6 units x 3 groups (the counts determine cells).
  detail::xoshiro256ss rng(300);
  const privacy_table shares = random_table(rng, 300, 9, 3, 5, 8, true);
  const privacy_table blocks = block_table(rng, 30, 6, 3, 2);
  audit_tally audit_shares, audit_blocks;
  for (const auto& [t, audit] : {std::pair{&shares, &audit_shares}, std::pair{&blocks, &audit_blocks}}) {
    const privacy_plan expected = reference_plan(*t, 5, *audit, false);
    const privacy_plan plan = plan_privacy(*t, 5);
    SCOPED_TRACE(std::to_string(t->units) + " x " + std::to_string(t->groups));
    EXPECT_EQ(plan.cells, expected.cells);
    EXPECT_EQ(plan.units, expected.units);
    EXPECT_EQ(plan.groups, expected.groups);
    EXPECT_EQ(plan.complete, expected.complete);
  }
  EXPECT_GT(audit_shares.by_means, 50U);  // 105
  EXPECT_GT(audit_blocks.by_counts, 50U);  // 105
}

// The lines rule holds on every line, and no withheld entry is determined by the counts or the
// unit scores; the primary rule marked the small entries, and only them.
void expect_protected(const privacy_table& t, const privacy_plan& plan, std::int64_t min_cell) {
  const std::size_t units = t.units, groups = t.groups, cells = units * groups;
  std::vector<suppression> state = plan.cells;
  state.insert(state.end(), plan.units.begin(), plan.units.end());
  state.insert(state.end(), plan.groups.begin(), plan.groups.end());
  std::vector<std::int64_t> size(t.n.begin(), t.n.end());
  size.resize(state.size(), 0);
  for (std::size_t u = 0; u < units; ++u)
    for (std::size_t g = 0; g < groups; ++g) {
      size[cells + u] += t.n[u * groups + g];
      size[cells + units + g] += t.n[u * groups + g];
    }
  for (std::size_t e = 0; e < state.size(); ++e) {
    EXPECT_EQ(state[e] == B, size[e] > 0 && size[e] < min_cell) << "entry " << e;
    if (state[e] == C) {
      EXPECT_GE(size[e], min_cell) << "entry " << e;
    }
  }
  // (entries, margin or none) for every line.
  const auto check_line = [&](const std::vector<std::size_t>& entries, std::optional<std::size_t> margin) {
    std::size_t count = 0;
    std::int64_t ballots = 0;
    for (const std::size_t e : entries)
      if (state[e] != N) {
        ++count;
        ballots += size[e];
      }
    const bool margin_published = !margin || state[*margin] == N;
    count += margin_published ? 0 : 1;
    if (count == 0) return;
    EXPECT_GE(count, 2U);
    if (margin_published) {
      EXPECT_GE(ballots, min_cell);
    }
  };
  std::vector<std::size_t> all_units, all_groups;
  for (std::size_t u = 0; u < units; ++u) {
    std::vector<std::size_t> row;
    for (std::size_t g = 0; g < groups; ++g) row.push_back(u * groups + g);
    check_line(row, cells + u);
    all_units.push_back(cells + u);
  }
  for (std::size_t g = 0; g < groups; ++g) {
    std::vector<std::size_t> column;
    for (std::size_t u = 0; u < units; ++u) column.push_back(u * groups + g);
    check_line(column, cells + units + g);
    all_groups.push_back(cells + units + g);
  }
  check_line(all_units, std::nullopt);
  check_line(all_groups, std::nullopt);
  std::vector<bool> withheld(state.size());
  for (std::size_t e = 0; e < state.size(); ++e) withheld[e] = state[e] != N;
  EXPECT_EQ(set_flags(detail::determined_by_counts(units, groups, withheld)), std::vector<std::size_t>{});
  EXPECT_EQ(set_flags(detail::determined_by_means(units, groups, withheld, t.share_used)), std::vector<std::size_t>{});
}

TEST(privacy_audit, a_thousand_units_are_protected) {
  // 1,000 units x 9 groups with few ballots a cell (a third 0..4, the rest 5..12): thousands of
  // small cells, a plan in well under a second; with groups of no share too.
  for (const bool zero_shares : {false, true}) {
    detail::xoshiro256ss rng(1000);
    const privacy_table t = random_table(rng, 1000, 9, 3, 5, 8, zero_shares);
    const privacy_plan plan = plan_privacy(t, 5);
    SCOPED_TRACE(zero_shares ? "zero shares" : "shares");
    EXPECT_TRUE(plan.complete);
    EXPECT_GT(std::count(plan.cells.begin(), plan.cells.end(), B), 2000);  // 2,433
    EXPECT_GT(std::count(plan.cells.begin(), plan.cells.end(), C), 200);  // 315, 689
    expect_protected(t, plan, 5);
  }
}

TEST(privacy_audit, the_dense_system_finds_nothing_left_in_the_plans) {
  // Tables of 40 units x 6 groups: the dense reference, not the graph test, audits the plan.
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    detail::xoshiro256ss rng(seed);
    const privacy_table t = random_table(rng, 40, 6, 3, 5, 20);
    const privacy_plan plan = plan_privacy(t, 5);
    SCOPED_TRACE("seed " + std::to_string(seed));
    EXPECT_TRUE(plan.complete);
    expect_protected(t, plan, 5);
    std::vector<bool> withheld;
    for (const auto* part : {&plan.cells, &plan.units, &plan.groups})
      for (const suppression s : *part) withheld.push_back(s != N);
    const dense_audit dense = dense_reference(40, 6, withheld, t.share_used);
    EXPECT_EQ(set_flags(dense.by_counts), std::vector<std::size_t>{});
    EXPECT_EQ(set_flags(dense.by_means), std::vector<std::size_t>{});
    EXPECT_GT(std::count(withheld.begin(), withheld.end(), true), 20);
  }
}

// ---------------------------------------------------------------------------------------------
// The report: withheld values are gone, counts show as below the threshold

TEST(privacy_report, withheld_cells_keep_no_values) {
  const report r = table_order(table_report({{20, 20, 2}, {20, 20, 20}, {20, 20, 20}}, 5));
  EXPECT_EQ(r.min_cell, 5);
  EXPECT_EQ(cell_flags(r), (std::vector<suppression>{C, N, B, C, N, C, N, N, N}));
  const group_result& small = r.units[0].groups[2];
  EXPECT_EQ(small.n, 0);
  EXPECT_EQ(small.weighted_n, 0.0);
  EXPECT_FALSE(small.mean);
  EXPECT_FALSE(small.stats.sd || small.stats.se || small.stats.min || small.stats.max || small.stats.median);
  EXPECT_GT(small.share_used, 0.0);  // presence is not a value
  // The unit itself is published, with its true score (the withheld cells still count in it).
  EXPECT_EQ(r.units[0].valid, 42);
  ASSERT_TRUE(r.units[0].score);
  EXPECT_TRUE(r.units[0].rank);
  const json doc = to_json(r);
  const json& cell = doc["units"][0]["groups"][2];
  EXPECT_TRUE(cell["n"].is_null());
  EXPECT_TRUE(cell["weighted_n"].is_null());
  EXPECT_TRUE(cell["mean"].is_null());
  EXPECT_EQ(cell["suppressed"], "below_min_cell");
  EXPECT_EQ(cell["n_below"], 5);
  EXPECT_EQ(doc["units"][0]["groups"][0]["suppressed"], "complement");
  EXPECT_TRUE(doc["units"][0]["groups"][0]["n_below"].is_null());
  EXPECT_TRUE(doc["units"][0]["groups"][1]["suppressed"].is_null());
  EXPECT_EQ(doc["privacy"]["min_cell"], 5);
}

TEST(privacy_report, a_small_unit_is_withheld_and_not_ranked) {
  const report r = table_report({{2, 1}, {20, 20}, {30, 30}, {40, 40}}, 5);
  // Ranked units come first: u3 and u4; then u1 and u2, withheld, in table order.
  ASSERT_EQ(r.units.size(), 4U);
  const unit_result& u1 = r.units[2];
  const unit_result& u2 = r.units[3];
  EXPECT_EQ(u1.id, "u1");
  EXPECT_EQ(u1.suppressed, B);
  EXPECT_EQ(u1.not_ranked_reason, "fewer than 5 valid ballots (privacy)");
  EXPECT_EQ(u2.suppressed, C);
  EXPECT_EQ(u2.not_ranked_reason, "withheld to protect a small unit (privacy)");
  for (const unit_result* u : {&u1, &u2}) {
    EXPECT_FALSE(u->rank);
    EXPECT_FALSE(u->score || u->total || u->score_se || u->stats.median);
    EXPECT_EQ(u->valid, 0);
    for (const auto& item : u->items) {
      EXPECT_EQ(item.answered, 0);
      EXPECT_FALSE(item.mean_points || item.satisfaction_rate);
      for (const auto& o : item.options) EXPECT_EQ(o.count, 0);
    }
  }
  // The rank pairs and intervals only see published units.
  ASSERT_EQ(r.rank_pairs.size(), 1U);
  EXPECT_EQ(r.rank_pairs[0].upper + r.rank_pairs[0].lower == "u3u4" || r.rank_pairs[0].upper + r.rank_pairs[0].lower == "u4u3", true);
  const json doc = to_json(r);
  EXPECT_TRUE(doc["units"][2]["valid"].is_null());
  EXPECT_EQ(doc["units"][2]["n_below"], 5);
  EXPECT_TRUE(doc["units"][3]["valid"].is_null());
  EXPECT_TRUE(doc["units"][3]["items"][0]["options"][0]["count"].is_null());
  EXPECT_TRUE(doc["units"][3]["items"][0]["answered"].is_null());
}

TEST(privacy_report, rejection_samples_carry_no_answers) {
  // A rejected row keeps its line, column and error id in the report, not the value it held.
  const scoring_plan plan = compile(table_definition(1, 2, 5)).value();
  batch_builder builder(plan);
  const std::array<std::string_view, 1> bad{"7"};
  EXPECT_FALSE(builder.add_text_row("g1", "u1", bad, {}, 2));
  const response_batch batch = builder.take();
  tally totals = make_tally(plan);
  accumulate(totals, plan, batch, score(plan, batch));
  const json doc = to_json(finalize(plan, totals));
  ASSERT_EQ(doc["accounting"]["rejection_samples"].size(), 1U);
  const json& sample = doc["accounting"]["rejection_samples"][0];
  EXPECT_EQ(sample["id"], "R204");
  EXPECT_EQ(sample["column"], "q");
  EXPECT_TRUE(sample["value"].is_null());
  EXPECT_EQ(doc.dump().find("\"7\""), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// The attacker

void expect_safe(const counts& cells, std::int64_t min_cell) {
  const report r = table_report(cells, min_cell);
  const attacker a(to_json(r));
  EXPECT_EQ(a.recomputable(), std::vector<std::string>{});
  expect_primary_rule(cells, table_order(r), min_cell);
}

TEST(privacy_attack, fails_on_one_small_group_in_a_unit) { expect_safe({{20, 20, 2}, {20, 20, 20}, {20, 20, 20}}, 5); }

TEST(privacy_attack, fails_on_one_small_cell_in_a_column) { expect_safe({{20, 20}, {20, 3}, {20, 20}, {20, 20}}, 5); }

TEST(privacy_attack, fails_on_a_unit_below_min_cell) { expect_safe({{2, 1}, {20, 20}, {30, 30}, {40, 40}}, 5); }

TEST(privacy_attack, fails_on_nine_group_units) {
  expect_safe({{30, 12, 2, 40, 9, 0, 7, 25, 1},
               {28, 15, 6, 35, 4, 11, 9, 30, 8},
               {33, 10, 9, 38, 12, 3, 8, 27, 10},
               {31, 14, 7, 42, 10, 9, 0, 29, 6},
               {26, 13, 8, 37, 11, 10, 9, 31, 2}},
              5);
}

TEST(privacy_attack, fails_on_random_tables) {
  // Tables of 2..8 units and 2..9 groups, a third of the cells small (0..4 ballots).
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    detail::xoshiro256ss rng(seed);
    const std::size_t units = 2 + rng.next() % 7, groups = 2 + rng.next() % 8;
    counts cells(units, std::vector<int>(groups));
    for (auto& row : cells)
      for (int& n : row) n = rng.next() % 3 == 0 ? static_cast<int>(rng.next() % 5) : 5 + static_cast<int>(rng.next() % 40);
    SCOPED_TRACE("seed " + std::to_string(seed));
    expect_safe(cells, 5);
  }
}

TEST(privacy_attack, recomputes_what_the_primary_rule_alone_hides) {
  // The weakened rule: withhold only the small cell u1 g3, no complement. The attacker must
  // find its count (unit valid − the row's other cells) and its mean (unit score − the others'
  // share-weighted means, over its share).
  report r = table_report({{20, 20, 2}, {20, 20, 20}, {20, 20, 20}}, 1);
  for (auto& u : r.units)
    for (auto& g : u.groups)
      if (g.n > 0 && g.n < 5) g.suppressed = B;
  withhold_suppressed(r);
  const std::vector<std::string> found = attacker(to_json(r)).recomputable();
  EXPECT_NE(std::find(found.begin(), found.end(), "n:u1/g3"), found.end());
  EXPECT_NE(std::find(found.begin(), found.end(), "m:u1/g3"), found.end());
}

// Two blocks of four small cells, each a cycle the counts cannot solve, joined by one small cell
// u2 g3. Every row and column holds two or more small cells with 5 or more ballots, so the
// lines rule is content; but rows u1 + u2 minus columns g1 + g2 leave exactly u2 g3 (a bridge
// between the blocks). The primary rule alone gives it away; the audit adds complements.
const counts bridged{{3, 3, 20, 20}, {3, 3, 2, 20}, {20, 20, 3, 3}, {20, 20, 3, 3}};

TEST(privacy_attack, finds_a_cell_that_bridges_two_safe_blocks) {
  report r = table_report(bridged, 1);
  for (auto& u : r.units)
    for (auto& g : u.groups)
      if (g.n > 0 && g.n < 5) g.suppressed = B;
  withhold_suppressed(r);
  const std::vector<std::string> found = attacker(to_json(r)).recomputable();
  EXPECT_NE(std::find(found.begin(), found.end(), "n:u2/g3"), found.end());
}

TEST(privacy_attack, fails_once_the_audit_protects_the_bridge) {
  const privacy_plan plan = plan_privacy(table_of(bridged), 5);
  EXPECT_NE(std::find(plan.cells.begin(), plan.cells.end(), C), plan.cells.end());
  expect_safe(bridged, 5);
}

}  // namespace
