// Tallies: the only state that grows while scoring, and the only state that merges.
//
// A tally holds, per evaluated unit and respondent group (a "cell"): ballot counts, sums of
// sampling weights and of weighted scores per score column, and exact per-option answer counts
// per item. Counts are integers and merge exactly.
//
// Sums are taken in fixed blocks of `block_rows` consecutive rows, counted from the first row
// the tally saw: within a block each cell sums in plain doubles in row order, and at the end of
// a block the partial sums join the cell's compensated (double-double) sums. Block edges depend
// only on row numbers, not on how the rows were cut into batches, so scoring a file in one
// batch or in many, with any chunk size, gives bit-identical sums.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "qscore/data/response_batch.hpp"
#include "qscore/plan/scoring_plan.hpp"
#include "qscore/score/scorer.hpp"
#include "qscore/tally/compensated_sum.hpp"

namespace qscore {

inline constexpr std::int64_t block_rows = 1024;

// Weighted first and second moments of one score column within one cell.
struct score_sums {
  std::int64_t n = 0;           // respondents with a score in this column
  compensated_sum weight;       // sum of w
  compensated_sum weighted;     // sum of w * x
  compensated_sum weighted_sq;  // sum of w * x^2

  void merge(const score_sums& other) {
    n += other.n;
    weight.add(other.weight);
    weighted.add(other.weighted);
    weighted_sq.add(other.weighted_sq);
  }
};

// Plain-double sums of the current block, per score column.
struct block_partial {
  bool active = false;
  double weight = 0.0;
  std::vector<double> w, wx, wxx;
};

struct cell_tally {
  std::int64_t valid = 0;       // valid ballots
  std::int64_t void_ballots = 0;
  compensated_sum weight;       // sum of sampling weights over valid ballots
  std::vector<score_sums> scores;  // one per score column
  block_partial pending;        // the open block's sums, not yet in the compensated sums

  // Moves the open block's sums into the compensated sums.
  void flush() {
    if (!pending.active) return;
    weight.add(pending.weight);
    for (std::size_t s = 0; s < scores.size(); ++s) {
      scores[s].weight.add(pending.w[s]);
      scores[s].weighted.add(pending.wx[s]);
      scores[s].weighted_sq.add(pending.wxx[s]);
    }
    pending.active = false;
  }

  // Merges a flushed cell into this flushed cell.
  void merge(const cell_tally& other) {
    valid += other.valid;
    void_ballots += other.void_ballots;
    weight.add(other.weight);
    for (std::size_t s = 0; s < scores.size(); ++s) scores[s].merge(other.scores[s]);
  }
};

struct unit_tally {
  std::string id;
  std::int64_t rejected = 0;            // rejected rows attributed to this unit
  std::vector<cell_tally> groups;       // G cells
  // Answer counts of valid ballots: counts[(g * K + j) * code_rows + c] = ballots of group g that
  // gave code c (0 = blank) on item j.
  std::vector<std::int64_t> option_counts;
};

// How many rejected rows to keep verbatim (with line, column and value) for the report; all of
// them are counted.
inline constexpr std::size_t kept_rejections = 100;

struct tally {
  std::uint64_t fingerprint = 0;
  std::size_t groups = 0, items = 0, score_columns = 0, code_rows = 0;
  std::vector<unit_tally> units;  // in order of first appearance (merge keeps this order)
  std::int64_t rows_read = 0;
  std::int64_t rejected_without_unit = 0;
  std::map<errc, std::int64_t> rejected_by_reason;
  std::vector<row_rejection> rejection_samples;  // the first kept_rejections, by merge order
  std::int64_t rows_in_block = 0;                // accepted rows in the open block
  std::vector<std::pair<std::size_t, std::size_t>> open_cells;  // (unit, group) with pending sums

  // Closes the open block: every pending partial sum joins its compensated sum. finalize and
  // merge work on flushed tallies; accumulate flushes at each block edge.
  void flush() {
    for (const auto& [u, g] : open_cells) units[u].groups[g].flush();
    open_cells.clear();
    rows_in_block = 0;
  }
  [[nodiscard]] bool flushed() const { return open_cells.empty(); }

  [[nodiscard]] std::int64_t valid() const { return sum([](const cell_tally& c) { return c.valid; }); }
  [[nodiscard]] std::int64_t void_ballots() const {
    return sum([](const cell_tally& c) { return c.void_ballots; });
  }
  [[nodiscard]] std::int64_t rejected() const {
    std::int64_t total = 0;
    for (const auto& [code, count] : rejected_by_reason) total += count;
    return total;
  }

  // Index of the unit with this id, creating an empty one if it is new.
  std::size_t unit_slot(const std::string& id) {
    for (std::size_t u = 0; u < units.size(); ++u)
      if (units[u].id == id) return u;
    unit_tally fresh;
    fresh.id = id;
    fresh.groups.resize(groups);
    for (auto& cell : fresh.groups) cell.scores.resize(score_columns);
    fresh.option_counts.assign(groups * items * code_rows, 0);
    units.push_back(std::move(fresh));
    return units.size() - 1;
  }

 private:
  template <class F>
  std::int64_t sum(F field) const {
    std::int64_t total = 0;
    for (const auto& unit : units)
      for (const auto& cell : unit.groups) total += field(cell);
    return total;
  }
};

// An empty tally shaped for `plan`. Declared units are listed in declaration order up front, so
// a unit without any ballot still appears in the report.
[[nodiscard]] inline tally make_tally(const scoring_plan& plan) {
  tally t;
  t.fingerprint = plan.fingerprint;
  t.groups = plan.group_count();
  t.items = plan.item_count();
  t.score_columns = plan.score_columns();
  t.code_rows = static_cast<std::size_t>(plan.code_rows);
  for (const auto& unit : plan.definition->units) t.unit_slot(unit.id);
  return t;
}

// Adds one scored batch to the tally.
inline void accumulate(tally& into, const scoring_plan& plan, const response_batch& batch,
                       const score_batch& scored) {
  if (into.fingerprint != plan.fingerprint)
    throw std::invalid_argument("qscore::accumulate: tally and plan come from different definitions");
  // Batch unit indices -> tally unit slots (a handful of string compares per batch).
  std::vector<std::size_t> slot(batch.unit_ids.size());
  for (std::size_t u = 0; u < batch.unit_ids.size(); ++u) slot[u] = into.unit_slot(batch.unit_ids[u]);

  const std::size_t columns = into.score_columns;
  const auto k = static_cast<Eigen::Index>(into.items);
  for (Eigen::Index i = 0; i < batch.rows(); ++i) {
    const std::size_t u = slot[static_cast<std::size_t>(batch.unit(i))];
    const auto g = static_cast<std::size_t>(batch.group(i));
    cell_tally& cell = into.units[u].groups[g];
    if (scored.status(i) == ballot_status::void_ballot) {
      ++cell.void_ballots;
    } else {
      block_partial& p = cell.pending;
      if (!p.active) {
        p.active = true;
        p.weight = 0.0;
        p.w.assign(columns, 0.0);
        p.wx.assign(columns, 0.0);
        p.wxx.assign(columns, 0.0);
        into.open_cells.emplace_back(u, g);
      }
      ++cell.valid;
      const double w = batch.weight(i);
      p.weight += w;
      for (std::size_t s = 0; s < columns; ++s) {
        const auto col = static_cast<Eigen::Index>(s);
        if (!scored.has_score(i, col)) continue;
        const double x = scored.score(i, col);
        ++cell.scores[s].n;
        p.w[s] += w;
        p.wx[s] += w * x;
        p.wxx[s] += w * x * x;
      }
      auto* counts = &into.units[u].option_counts[g * into.items * into.code_rows];
      for (Eigen::Index j = 0; j < k; ++j)
        ++counts[static_cast<std::size_t>(j) * into.code_rows + batch.codes(i, j)];
    }
    if (++into.rows_in_block == block_rows) into.flush();
  }

  into.rows_read += batch.rows_read();
  for (const auto& r : batch.rejected) {
    ++into.rejected_by_reason[r.code];
    if (r.unit >= 0)
      ++into.units[slot[static_cast<std::size_t>(r.unit)]].rejected;
    else
      ++into.rejected_without_unit;
    if (into.rejection_samples.size() < kept_rejections) into.rejection_samples.push_back(r);
  }
}

// Merges `from` into `into`. Integer counts merge exactly; sums are compensated. Units new to
// `into` are appended in `from`'s order. Refuses tallies of different definitions. Merging the
// tallies of consecutive parts in their order equals one pass when each part but the last
// holds a whole number of blocks (block_rows accepted rows).
inline void merge(tally& into, const tally& from_in) {
  if (into.fingerprint != from_in.fingerprint)
    throw std::invalid_argument("qscore::merge: tallies come from different definitions");
  // Both sides' open blocks close before merging, so `into` continues with a fresh block.
  into.flush();
  tally flushed_copy;
  if (!from_in.flushed()) {
    flushed_copy = from_in;
    flushed_copy.flush();
  }
  const tally& from = from_in.flushed() ? from_in : flushed_copy;
  for (const auto& unit : from.units) {
    unit_tally& target = into.units[into.unit_slot(unit.id)];
    target.rejected += unit.rejected;
    for (std::size_t g = 0; g < unit.groups.size(); ++g) target.groups[g].merge(unit.groups[g]);
    for (std::size_t c = 0; c < unit.option_counts.size(); ++c)
      target.option_counts[c] += unit.option_counts[c];
  }
  into.rows_read += from.rows_read;
  into.rejected_without_unit += from.rejected_without_unit;
  for (const auto& [code, count] : from.rejected_by_reason) into.rejected_by_reason[code] += count;
  for (const auto& r : from.rejection_samples) {
    if (into.rejection_samples.size() >= kept_rejections) break;
    into.rejection_samples.push_back(r);
  }
}

}  // namespace qscore
