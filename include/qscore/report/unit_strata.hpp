// A unit's sampling strata as the standard errors need them: the tally's stratum cells of the
// unit's groups, put in stratum-id order once a unit. finalize takes a standard error of the
// unit score, of each group mean, of each dimension and derived score, and of each pooled group
// mean from them; sorting the unit's (stratum, group) parts for each of those was most of a
// report's time with many strata (200,000 rows over 2,000 strata: half of 1.0 s).
#pragma once

#include <algorithm>
#include <cstddef>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "qscore/model/instrument.hpp"
#include "qscore/stats/design.hpp"
#include "qscore/stats/moments.hpp"
#include "qscore/tally/tally.hpp"

namespace qscore::detail {

// The tally's stratum slots in stratum-id order (rank[slot]) and each slot's population size
// (the last `statistics.population` entry naming it), worked out once a report: finding them
// for each unit cost a sort of the slots by id and a scan of the slots per part, quadratic in
// the strata (200,000 rows over 2,000 strata took 8 s, over 20,000 strata a minute).
struct stratum_order {
  std::vector<std::size_t> rank;
  std::vector<std::optional<double>> population;
};

[[nodiscard]] inline stratum_order stratum_order_of(const tally& totals, const instrument& def) {
  const std::size_t slots = totals.strata_are_groups ? def.groups.size() : totals.stratum_ids.size();
  std::vector<std::size_t> by_id(slots);
  std::iota(by_id.begin(), by_id.end(), std::size_t{0});
  std::sort(by_id.begin(), by_id.end(), [&](std::size_t a, std::size_t b) {
    return totals.stratum_id(a, def) < totals.stratum_id(b, def);
  });
  stratum_order out;
  out.rank.resize(slots);
  for (std::size_t position = 0; position < slots; ++position) out.rank[by_id[position]] = position;
  std::unordered_map<std::string_view, double> population;
  for (const auto& p : def.statistics.population) population.insert_or_assign(p.stratum, p.size);
  out.population.resize(slots);
  if (!population.empty())
    for (std::size_t slot = 0; slot < slots; ++slot) {
      const std::string id = totals.stratum_id(slot, def);
      if (const auto found = population.find(id); found != population.end()) out.population[slot] = found->second;
    }
  return out;
}

// One unit's stratum cells, in two orders:
//   - by stratum: stratum h (in id order) holds parts[ends[h - 1], ends[h]), one part per group
//     with a cell there, in group order; its population size is populations[h];
//   - by group: group g's cells in stratum-id order are by_group[group_ends[g - 1], group_ends[g])
//     (from 0 for g = 0).
struct unit_strata {
  struct part {
    std::size_t group;
    const stratum_cell* cell;
  };
  std::vector<part> parts;
  std::vector<std::size_t> ends;
  std::vector<std::optional<double>> populations;
  std::vector<const stratum_cell*> by_group;
  std::vector<std::size_t> group_ends;

  [[nodiscard]] std::span<const stratum_cell* const> cells_of_group(std::size_t g) const {
    const std::size_t first = g == 0 ? 0 : group_ends[g - 1];
    return {by_group.data() + first, group_ends[g] - first};
  }
};

[[nodiscard]] inline unit_strata unit_strata_of(const stratum_order& order, const unit_tally& unit) {
  struct located_part {
    std::size_t rank, group;
    const stratum_cell* cell;
  };
  std::vector<located_part> located;
  std::size_t cells = 0;
  for (const auto& group : unit.groups) cells += group.strata.size();
  located.reserve(cells);
  for (std::size_t g = 0; g < unit.groups.size(); ++g)
    for (const auto& cell : unit.groups[g].strata) located.push_back({order.rank[cell.stratum], g, &cell});
  // A cell holds each slot once, so (rank, group) is unique and orders the parts fully.
  std::sort(located.begin(), located.end(), [](const located_part& a, const located_part& b) {
    return a.rank != b.rank ? a.rank < b.rank : a.group < b.group;
  });
  unit_strata out;
  // Each group's cells taken in the parts' order, so by rank.
  out.group_ends.assign(unit.groups.size(), 0);
  for (const located_part& p : located) ++out.group_ends[p.group];
  std::partial_sum(out.group_ends.begin(), out.group_ends.end(), out.group_ends.begin());
  std::vector<std::size_t> next_of_group(unit.groups.size(), 0);
  for (std::size_t g = 1; g < unit.groups.size(); ++g) next_of_group[g] = out.group_ends[g - 1];
  out.by_group.resize(located.size());
  for (const located_part& p : located) out.by_group[next_of_group[p.group]++] = p.cell;
  out.parts.reserve(located.size());
  for (std::size_t i = 0; i < located.size(); ++i) {
    if (i == 0 || located[i].rank != located[i - 1].rank) {
      if (i > 0) out.ends.push_back(i);
      out.populations.push_back(order.population[located[i].cell->stratum]);
    }
    out.parts.push_back({located[i].group, located[i].cell});
  }
  if (!located.empty()) out.ends.push_back(located.size());
  return out;
}

// Appends the unit's strata for score column s that hold the estimate, in stratum-id order:
// those where a group with a nonzero coefficient coef[g] has rows in column s. In each, one part
// per group with rows there (in group order), with coefficient coef[g] and centre centre[g] (see
// stats/design.hpp). The other strata would add nothing to the variance; a group mean's standard
// error takes only the group's strata.
inline void unit_design(const unit_strata& unit, std::size_t s, std::span<const double> coef,
                        std::span<const double> centre, stats::design_strata& out) {
  std::size_t first = 0;
  for (std::size_t h = 0; h < unit.ends.size(); first = unit.ends[h], ++h) {
    const auto in_stratum = std::span(unit.parts).subspan(first, unit.ends[h] - first);
    const bool holds_estimate = std::any_of(in_stratum.begin(), in_stratum.end(), [&](const unit_strata::part& p) {
      return coef[p.group] != 0.0 && p.cell->moments[s].n > 0;
    });
    if (!holds_estimate) continue;
    out.add_stratum(unit.populations[h]);
    for (const unit_strata::part& p : in_stratum) {
      const stratum_cell& cell = *p.cell;
      if (cell.moments[s].n == 0) continue;
      out.add_part({coef[p.group], centre[p.group], &cell.moments[s], cell.pairs.empty() ? nullptr : &cell.pairs[s]});
    }
  }
}

// The weighted moments of score column s over group g's strata in the unit, merged in
// stratum-id order.
[[nodiscard]] inline stats::moments cell_moments(const unit_strata& unit, std::size_t g, std::size_t s) {
  stats::moments out;
  for (const stratum_cell* cell : unit.cells_of_group(g)) out.merge(cell->moments[s]);
  return out;
}

}  // namespace qscore::detail
