// The answer counts of one batch (how many valid ballots of each cell gave each code on each
// item), gathered in a small table before they join the tally's counts.
//
// The tally keeps a unit's counts as int64 per (group, item, code), 10.8 KB a unit for the
// bench pool: counting item j for a batch whose rows fall in 198 cells spread over 22 units
// touches a cache line per cell, and each count went through the row's index and a pointer to
// its cell. Here the cells a batch touches get numbers 0, 1, 2, ... in order of first
// appearance, and item j's counts for all of them sit together in 32-bit slots (4 KB for 198
// cells of 5 codes): the increments stay in L1, and the row's cell is one multiply-ready index.
// The table is added into the tally once per batch. (A batch spread over about as many cells
// as rows skips the table: see finish().)
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "qscore/data/response_batch.hpp"

namespace qscore::detail {

class batch_option_counts {
 public:
  // Starts a batch for a tally of `tally_cells` (unit slot * groups + group) cells.
  void start(std::size_t tally_cells, std::size_t code_rows, Eigen::Index batch_rows) {
    code_rows_ = code_rows;
    if (number_of_.size() < tally_cells) number_of_.resize(tally_cells, 0);
    forget_cells();  // of a batch left unfinished (a throw)
    rows_.clear();
    row_cell_.clear();
    rows_.reserve(static_cast<std::size_t>(batch_rows));
    row_cell_.reserve(static_cast<std::size_t>(batch_rows));
  }

  // Row `row` of the batch is a valid ballot of tally cell `tally_cell`, whose counts (by item,
  // then code) start at `cell_counts`.
  void add_row(Eigen::Index row, std::size_t tally_cell, std::int64_t* cell_counts) {
    std::uint32_t& number = number_of_[tally_cell];
    if (number == 0) {
      cells_.push_back({tally_cell, cell_counts});
      number = static_cast<std::uint32_t>(cells_.size());
    }
    rows_.push_back(row);
    row_cell_.push_back(number - 1);
  }

  // Counts the batch's codes of `items` items and adds them to the cells' counts.
  void finish(const response_batch& batch, std::size_t items) {
    // Locals, not members: the int64 counts written below may alias any std::size_t member,
    // which would then be read again at every step.
    const std::size_t code_rows = code_rows_, cells = cells_.size(), per_item = cells * code_rows;
    const std::size_t counted = rows_.size();
    const Eigen::Index* const rows = rows_.data();
    // Every row counted (no void or rejected ballot): the codes are read in order.
    const bool all_rows = counted == static_cast<std::size_t>(batch.rows());
    if (per_item > counted) {
      // Nearly a cell per row (thousands of units): a table would be mostly zeros to clear and
      // add up, so each count goes straight to its cell.
      for (std::size_t j = 0; j < items; ++j) {
        const answer_code* const column = batch.codes.col(static_cast<Eigen::Index>(j)).data();
        for (std::size_t r = 0; r < counted; ++r)
          ++cells_[row_cell_[r]].counts[j * code_rows + column[all_rows ? static_cast<Eigen::Index>(r) : rows[r]]];
      }
    } else {
      counts_.assign(items * per_item, 0);
      row_slot_.resize(counted);
      for (std::size_t r = 0; r < counted; ++r) row_slot_[r] = row_cell_[r] * static_cast<std::uint32_t>(code_rows);
      const std::uint32_t* const row_slot = row_slot_.data();
      // Two items per pass over the rows: each row's slot is loaded once for both.
      std::size_t item = 0;
      for (; item + 1 < items; item += 2) {
        const answer_code* const first = batch.codes.col(static_cast<Eigen::Index>(item)).data();
        const answer_code* const second = batch.codes.col(static_cast<Eigen::Index>(item + 1)).data();
        std::uint32_t* const first_counts = counts_.data() + item * per_item;
        std::uint32_t* const second_counts = first_counts + per_item;
        if (all_rows) {
          for (std::size_t r = 0; r < counted; ++r) {
            ++first_counts[row_slot[r] + first[r]];
            ++second_counts[row_slot[r] + second[r]];
          }
        } else {
          for (std::size_t r = 0; r < counted; ++r) {
            ++first_counts[row_slot[r] + first[rows[r]]];
            ++second_counts[row_slot[r] + second[rows[r]]];
          }
        }
      }
      if (item < items) {
        const answer_code* const column = batch.codes.col(static_cast<Eigen::Index>(item)).data();
        std::uint32_t* const counts = counts_.data() + item * per_item;
        if (all_rows) {
          for (std::size_t r = 0; r < counted; ++r) ++counts[row_slot[r] + column[r]];
        } else {
          for (std::size_t r = 0; r < counted; ++r) ++counts[row_slot[r] + column[rows[r]]];
        }
      }
      for (std::size_t c = 0; c < cells; ++c) {
        std::int64_t* const into = cells_[c].counts;
        const std::uint32_t* from = counts_.data() + c * code_rows;
        for (std::size_t j = 0; j < items; ++j, from += per_item)
          for (std::size_t code = 0; code < code_rows; ++code) into[j * code_rows + code] += from[code];
      }
    }
    forget_cells();
  }

 private:
  struct cell {
    std::size_t tally_cell = 0;
    std::int64_t* counts = nullptr;
  };
  std::size_t code_rows_ = 0;
  std::vector<std::uint32_t> number_of_;  // tally cell -> its number in this batch + 1 (0: none)
  std::vector<cell> cells_;               // the batch's cells, by number
  std::vector<Eigen::Index> rows_;        // the counted rows
  std::vector<std::uint32_t> row_cell_;   // per counted row: its cell's number
  std::vector<std::uint32_t> counts_;     // [item][cell number][code]
  std::vector<std::uint32_t> row_slot_;   // per counted row: its cell's number * code_rows

  // Drops the batch's cells, leaving number_of_ all zero again.
  void forget_cells() {
    for (const cell& c : cells_) number_of_[c.tally_cell] = 0;
    cells_.clear();
  }
};

}  // namespace qscore::detail
