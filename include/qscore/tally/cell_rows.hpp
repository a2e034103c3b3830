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
  // batch.
  void start(std::size_t cells, std::int64_t rows) {
    // Rows are kept in 32 bits (half the room of Eigen::Index, for a list read per row).
    if (rows > std::int64_t{std::numeric_limits<std::uint32_t>::max()})
      throw std::length_error("qscore::accumulate: a batch holds more than 2^32 - 1 rows");
    count_.assign(cells + 1, 0);
    cell_of_.clear();
    row_of_.clear();
    touched_.clear();
  }

  // A valid row of cell `cell`, rows in ascending order.
  void add(std::uint32_t cell, std::uint32_t row) {
    if (count_[cell + 1]++ == 0) touched_.push_back(cell);
    cell_of_.push_back(cell);
    row_of_.push_back(row);
  }

  // Groups the rows added: call once, after the last add().
  void group() {
    for (std::size_t c = 1; c < count_.size(); ++c) count_[c] += count_[c - 1];
    grouped_.resize(row_of_.size());
    next_.assign(count_.begin(), count_.end() - 1);
    for (std::size_t r = 0; r < row_of_.size(); ++r) grouped_[next_[cell_of_[r]]++] = row_of_[r];
  }

  // Cells with rows, in order of their first row.
  [[nodiscard]] const std::vector<std::uint32_t>& cells() const { return touched_; }
  // The rows of `cell`, ascending (after group()).
  [[nodiscard]] std::span<const std::uint32_t> rows(std::uint32_t cell) const {
    return {grouped_.data() + count_[cell], grouped_.data() + count_[cell + 1]};
  }

 private:
  std::vector<std::uint32_t> count_;  // rows per cell (at c + 1), then where each cell starts
  std::vector<std::uint32_t> next_;
  std::vector<std::uint32_t> cell_of_, row_of_;  // per valid row, in row order
  std::vector<std::uint32_t> grouped_;
  std::vector<std::uint32_t> touched_;
};

}  // namespace qscore::detail
