// The respondent-score histograms of a whole file, counted by the threads that score it.
//
// A segmented run (pipeline.hpp) merges its segment tallies in file order on one thread, so
// that sums come out the same whatever the thread count. Its score keys (each valid ballot's
// score on the 0.01-point grid, for quartiles) need no order: they are integer counts. Counting
// them was most of the merging thread's work (each add a cache miss in a cell's table, 16 MB of
// tables for the bench pool's 198 cells), and that thread does not scale with the cores: it
// bounded a run at about 13 times one worker (bench/RESULTS.md, eighth round). Here each worker
// counts its own segment's keys, at the segment's end, into the file's tables, one lock per
// cell; the merge then finds no keys to count. At the end the tables move into the file's tally.
// A run does this from 14 threads on (score_segments in pipeline.hpp).
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "qscore/stats/histogram.hpp"
#include "qscore/tally/tally.hpp"

namespace qscore {

class shared_score_counts {
 public:
  // Counts every key `part` holds uncounted (its cells' pending keys) and leaves none there.
  // Any thread, any order: the counts do not depend on either. `start` (the segment number,
  // say) picks the unit to begin with, so that workers finishing together seldom wait for the
  // same cell.
  void take_keys(tally& part, std::size_t start = 0) {
    const std::size_t units = part.units.size();
    for (std::size_t i = 0; i < units; ++i) {
      unit_tally& unit = part.units[(start + i) % units];
      unit_counts* counts = nullptr;
      for (std::size_t g = 0; g < unit.groups.size(); ++g) {
        cell_tally& cell = unit.groups[g];
        if (cell.pending_keys.empty()) continue;
        if (counts == nullptr) counts = &counts_of(unit.id, unit.groups.size());
        {
          std::lock_guard lock(counts->locks[g]);
          counts->cells[g].add_each(cell.pending_keys.data(), cell.pending_keys.data() + cell.pending_keys.size());
        }
        cell.pending_keys.clear();
      }
    }
  }

  // Adds the counts to `file`'s cells (units it lacks are added to it, as a merge would) and
  // empties this. Only when no thread is taking keys any more.
  void move_into(tally& file) {
    for (auto& [id, counts] : units_) {
      unit_tally& unit = file.units[file.unit_slot(id)];
      for (std::size_t g = 0; g < counts->cells.size() && g < unit.groups.size(); ++g) {
        // A group of the unit that gave no keys has nothing to add: its cell makes no table.
        if (counts->cells[g].size() == 0) continue;
        stats::count_map& into = unit.groups[g].score_table.make();
        if (into.size() == 0)
          into = std::move(counts->cells[g]);
        else
          into.merge(counts->cells[g]);
      }
    }
    units_.clear();
  }

 private:
  struct unit_counts {
    explicit unit_counts(std::size_t groups) : cells(groups), locks(groups) {}
    std::vector<stats::count_map> cells;  // per respondent group
    std::vector<std::mutex> locks;        // one a cell
  };

  unit_counts& counts_of(const std::string& unit_id, std::size_t groups) {
    std::lock_guard lock(units_lock_);
    auto& slot = units_[unit_id];
    if (!slot) slot = std::make_unique<unit_counts>(groups);
    return *slot;  // stays put: units_ holds pointers
  }

  std::mutex units_lock_;
  std::unordered_map<std::string, std::unique_ptr<unit_counts>> units_;
};

}  // namespace qscore
