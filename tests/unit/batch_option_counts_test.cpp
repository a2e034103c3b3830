// detail::batch_option_counts, the per-batch answer counts behind the report's option counts,
// against a plain count: for each counted row, one increment at (unit, item, code), a unit's
// cells (one per group) sharing its counts as in a tally. Random codes
// in shapes that reach each of its paths: the byte-compare count (blocks of 16 items, a last
// block part-filled, rows not a multiple of 16, more than 255 rows in a cell, rows left out),
// the per-item table (more than 16 codes), and the direct count (about a cell per row), where
// cells without counts keep their rows' codes instead.
#include "qscore/tally/batch_option_counts.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

namespace {

using qscore::answer_code;
using qscore::response_batch;
using qscore::detail::batch_option_counts;
using qscore::detail::cell_rows;
using qscore::detail::pending_answer_counts;
using qscore::detail::pending_answer_rows;

struct shape {
  Eigen::Index rows;
  std::size_t items, code_rows, cells;
  int skip_every;  // every skip_every-th row is not counted (0: all are)
  std::size_t groups = 1;  // cells a unit: cells g * groups .. + groups - 1 share their unit's counts
};

// Counts one batch both ways; the tally's counts start non-zero, as after earlier batches.
// `avx2`: the byte compares two blocks of 16 items a step (where the processor has AVX2).
void expect_plain_counts(const shape& s, std::uint32_t seed, bool avx2) {
  std::mt19937 random(seed);
  response_batch batch;
  batch.codes.resize(s.rows, static_cast<Eigen::Index>(s.items));
  std::uniform_int_distribution<int> code(0, static_cast<int>(s.code_rows) - 1);
  for (Eigen::Index j = 0; j < batch.codes.cols(); ++j)
    for (Eigen::Index i = 0; i < s.rows; ++i) batch.codes(i, j) = static_cast<answer_code>(code(random));
  const std::size_t per_unit = s.items * s.code_rows, units = (s.cells + s.groups - 1) / s.groups;
  std::vector<std::int64_t> counts(units * per_unit, 7), expected = counts;
  std::uniform_int_distribution<std::size_t> cell_of(0, s.cells - 1);

  batch_option_counts under_test;
  under_test.use_avx2(avx2);
  std::vector<pending_answer_counts> pending(s.cells);
  cell_rows valid;
  valid.start(s.cells, s.rows);
  for (Eigen::Index i = 0; i < s.rows; ++i) {
    const std::size_t cell = cell_of(random);
    if (s.skip_every > 0 && i % s.skip_every == 0) continue;
    valid.add(static_cast<std::uint32_t>(cell), static_cast<std::uint32_t>(i));
    const std::size_t unit = cell / s.groups;
    for (std::size_t j = 0; j < s.items; ++j) ++expected[unit * per_unit + j * s.code_rows + batch.codes(i, static_cast<Eigen::Index>(j))];
  }
  valid.group();
  // Spread thin (about a cell per row), the odd units keep their rows' codes instead of counts,
  // as a tally's units without counts do; counted here afterwards.
  std::vector<pending_answer_rows> kept(units);
  bool spread_seen = false;
  under_test.count(batch, s.items, s.code_rows, valid, [&](std::uint32_t cell, bool spread) {
    spread_seen = spread_seen || spread;
    const std::size_t unit = cell / s.groups;
    const bool keep = spread && unit % 2 == 1;
    return batch_option_counts::cell_counts{keep ? nullptr : counts.data() + unit * per_unit, &pending[cell],
                                            &kept[unit]};
  });
  std::size_t kept_rows = 0;
  for (std::size_t cell = 0; cell < s.cells; ++cell)
    pending[cell].fold_into(counts.data() + cell / s.groups * per_unit, s.items, s.code_rows);
  for (std::size_t unit = 0; unit < units; ++unit) {
    kept_rows += kept[unit].size();
    EXPECT_EQ(kept[unit].codes.size(), kept[unit].size() * s.items);
    kept[unit].count_into(counts.data() + unit * per_unit, s.items, s.code_rows);
  }
  EXPECT_EQ(spread_seen, s.cells * s.code_rows > static_cast<std::size_t>(s.rows)) << "the shapes below say which";
  if (spread_seen) {
    EXPECT_GT(kept_rows, 0U);
  }
  EXPECT_EQ(counts, expected) << s.rows << " rows, " << s.items << " items, " << s.code_rows << " codes, "
                              << s.cells << " cells, skip " << s.skip_every << ", " << s.groups
                              << " groups, avx2 " << avx2;
}

TEST(batch_option_counts, equal_a_plain_count_in_every_shape) {
  const std::vector<shape> shapes = {
      {1000, 37, 5, 3, 0},     // blocks of 16, 16 and 5 items (a pair, then one); ~333 rows a cell (over 255)
      {1000, 37, 5, 3, 7},     // the same with every 7th row left out
      {1000, 20, 2, 1, 0},     // ~500 answers "1" an item in one cell: 8-bit counters must not wrap
      {1000, 64, 4, 5, 2},     // four whole blocks: two pairs
      {3840, 30, 5, 198, 0, 9},  // the bench pool's shape: 22 units of 9 groups
      {3840, 16, 16, 20, 3},   // one whole block, codes up to 15
      {17, 1, 2, 2, 0},        // one item, one row past a multiple of 16
      {15, 40, 3, 1, 0},       // fewer rows than one block of 16
      {600, 12, 17, 4, 5},     // 17 codes: the per-item table
      {600, 12, 17, 4, 5, 2},  // the same, two cells a unit
      {300, 8, 6, 1000, 0},    // more cells than rows: counted straight into the cells
      {300, 8, 6, 1000, 0, 4},  // the same, four cells a unit
  };
  std::uint32_t seed = 1;
  for (const auto& s : shapes) {
    expect_plain_counts(s, seed, true);
    expect_plain_counts(s, seed++, false);
  }
}

TEST(batch_option_counts, a_table_kept_from_batch_to_batch_starts_clean) {
  // One object for batches of different shapes, as the tally keeps one per thread.
  batch_option_counts reused;
  for (std::uint32_t round = 0; round < 3; ++round) {
    std::mt19937 random(round);
    const Eigen::Index rows = 500 + 77 * round;
    const std::size_t items = 20 + round, code_rows = 4 + round, cells = 9 + round;
    response_batch batch;
    batch.codes.resize(rows, static_cast<Eigen::Index>(items));
    for (Eigen::Index j = 0; j < batch.codes.cols(); ++j)
      for (Eigen::Index i = 0; i < rows; ++i) batch.codes(i, j) = static_cast<answer_code>(random() % code_rows);
    std::vector<std::int64_t> counts(cells * items * code_rows, 0), expected = counts;
    std::vector<pending_answer_counts> pending(cells);
    cell_rows valid;
    valid.start(cells, rows);
    for (Eigen::Index i = 0; i < rows; ++i) {
      const std::size_t cell = random() % cells;
      valid.add(static_cast<std::uint32_t>(cell), static_cast<std::uint32_t>(i));
      for (std::size_t j = 0; j < items; ++j)
        ++expected[(cell * items + j) * code_rows + batch.codes(i, static_cast<Eigen::Index>(j))];
    }
    valid.group();
    reused.count(batch, items, code_rows, valid, [&](std::uint32_t cell, bool) {
      return batch_option_counts::cell_counts{counts.data() + cell * items * code_rows, &pending[cell]};
    });
    for (std::size_t cell = 0; cell < cells; ++cell)
      pending[cell].fold_into(counts.data() + cell * items * code_rows, items, code_rows);
    EXPECT_EQ(counts, expected) << "round " << round;
  }
}

TEST(batch_option_counts, pending_lanes_fold_before_they_could_wrap) {
  // One cell, 20 batches of 3,840 rows (76,800), then one batch of 70,000 rows: each path must
  // add its 16-bit lanes to the int64 counts before one passes 65,535. Item j of 17 (two blocks
  // of 16) is blank on every 16th row of a batch (i % 16 == 0) and code 1 + j % 2 on the others.
  // 20 batches: 20 x 3,840 / 16 = 4,800 blanks and 76,800 - 4,800 = 72,000 answers an item; the
  // big batch: 70,000 / 16 = 4,375 blanks and 65,625 answers more (65,625 > 65,535 in one batch).
  constexpr std::size_t items = 17, code_rows = 3;
  std::vector<std::int64_t> counts(items * code_rows, 0);
  pending_answer_counts pending;
  batch_option_counts counter;
  const auto count_batch = [&](Eigen::Index rows) {
    response_batch batch;
    batch.codes.resize(rows, static_cast<Eigen::Index>(items));
    for (Eigen::Index j = 0; j < batch.codes.cols(); ++j)
      for (Eigen::Index i = 0; i < rows; ++i) batch.codes(i, j) = static_cast<answer_code>(i % 16 == 0 ? 0 : 1 + j % 2);
    cell_rows valid;
    valid.start(1, rows);
    for (Eigen::Index i = 0; i < rows; ++i) valid.add(0, static_cast<std::uint32_t>(i));
    valid.group();
    const bool left_pending = counter.count(batch, items, code_rows, valid, [&](std::uint32_t, bool) {
      return batch_option_counts::cell_counts{counts.data(), &pending};
    });
#if defined(__SSE2__)
    EXPECT_TRUE(left_pending);  // counted cell by cell, into the pending lanes
#else
    EXPECT_FALSE(left_pending);  // counted by the per-item table, straight into the counts
#endif
  };
  const auto expect_counts = [&](std::int64_t blanks, std::int64_t answers) {
    for (std::size_t j = 0; j < items; ++j) {
      const std::size_t answer = 1 + j % 2, other = 2 - j % 2;
      EXPECT_EQ(counts[j * code_rows], blanks) << "item " << j;
      EXPECT_EQ(counts[j * code_rows + answer], answers) << "item " << j;
      EXPECT_EQ(counts[j * code_rows + other], 0) << "item " << j;
    }
  };
  for (int b = 0; b < 20; ++b) count_batch(3840);
  pending.fold_into(counts.data(), items, code_rows);
  expect_counts(4800, 72000);
  count_batch(70000);
  pending.fold_into(counts.data(), items, code_rows);
  EXPECT_TRUE(pending.empty());
  expect_counts(4800 + 4375, 72000 + 65625);
}

}  // namespace
