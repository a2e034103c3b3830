// A batch's valid rows grouped by cell (unit × group), each cell's rows in row order: a stable
// counting sort, so that accumulate adds a cell's rows one after another while the cell's sums
// are in cache (and in registers), instead of visiting 198 cells' scattered state row by row.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <vector>

namespace qscore::detail {

class cell_rows {
 public:
  // Starts a batch of `rows` rows for a tally with `cells` cells. Keeps capacity from batch to
  // batch, and costs what the previous batch's cells cost, not what the tally's do (a tally of
  // thousands of units has cells by the hundred thousand, a batch a few thousand rows).
  void start(std::size_t cells, std::int64_t rows) {
    // Rows are kept in 32 bits (half the room of Eigen::Index, for a list read per row).
    if (rows > std::int64_t{std::numeric_limits<std::uint32_t>::max()})
      throw std::length_error("qscore::accumulate: a batch holds more than 2^32 - 1 rows");
    for (const std::uint32_t cell : touched_) count_[cell] = 0;
    if (count_.size() < cells) {
      count_.resize(cells, 0);
      end_.resize(cells, 0);
    }
    // Room for every row up front: add() then stores by index, where a push_back per row
    // checked the capacity and kept the vector's end in memory (two per valid row of a run).
    if (cell_of_.size() < static_cast<std::size_t>(rows)) {
      cell_of_.resize(static_cast<std::size_t>(rows));
      row_of_.resize(static_cast<std::size_t>(rows));
    }
    added_ = 0;
    touched_.clear();
  }

  // A valid row of cell `cell`, rows in ascending order; at most the `rows` given to start().
  void add(std::uint32_t cell, std::uint32_t row) {
    if (count_[cell] == 0) touched_.push_back(cell);  // first: a throw leaves the count 0
    ++count_[cell];
    cell_of_[added_] = cell;
    row_of_[added_] = row;
    ++added_;
  }

  // Groups the rows added: call once, after the last add().
  void group() {
    std::uint32_t at = 0;
    for (const std::uint32_t cell : touched_) {
      end_[cell] = at;  // where the cell's rows start, until the loop below moves it to their end
      at += count_[cell];
    }
    grouped_.resize(added_);
    for (std::size_t r = 0; r < added_; ++r) grouped_[end_[cell_of_[r]]++] = row_of_[r];
  }

  // Cells with rows, in order of their first row.
  [[nodiscard]] const std::vector<std::uint32_t>& cells() const { return touched_; }
  // Every valid row, grouped: cells() in turn, each cell's rows ascending (after group()).
  [[nodiscard]] std::span<const std::uint32_t> grouped() const { return grouped_; }
  // The rows of `cell`, ascending (after group(); only for cells()).
  [[nodiscard]] std::span<const std::uint32_t> rows(std::uint32_t cell) const {
    return {grouped_.data() + end_[cell] - count_[cell], grouped_.data() + end_[cell]};
  }

 private:
  std::vector<std::uint32_t> count_;  // per cell: its rows in this batch (0 for cells not in touched_)
  std::vector<std::uint32_t> end_;    // per cell of touched_: where its rows end in grouped_
  std::vector<std::uint32_t> cell_of_, row_of_;  // per valid row, in row order: [0, added_)
  std::size_t added_ = 0;
  std::vector<std::uint32_t> grouped_;
  std::vector<std::uint32_t> touched_;
};

}  // namespace qscore::detail
