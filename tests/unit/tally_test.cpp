// Tallies: accumulation, merging in any grouping, and compensated sums.
#include "qscore/tally/tally.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <map>
#include <random>

#include "qscore/data/batch_builder.hpp"
#include "qscore/report/finalize.hpp"
#include "support/small_appraisal.hpp"

namespace {

using namespace qscore;

TEST(cell_rows, groups_rows_by_cell_in_row_order_cells_by_first_row) {
  // Rows 0..5 of cells 2, 0, 2, 1, 0, 2: cell 2 first (row 0), then 0 (row 1), then 1 (row 3).
  detail::cell_rows grouped;
  grouped.start(3, 6);
  const std::uint32_t cells[] = {2, 0, 2, 1, 0, 2};
  for (std::uint32_t row = 0; row < 6; ++row) grouped.add(cells[row], row);
  grouped.group();
  EXPECT_EQ(grouped.cells(), (std::vector<std::uint32_t>{2, 0, 1}));
  const auto rows_of = [&](std::uint32_t cell) {
    const auto rows = grouped.rows(cell);
    return std::vector<std::uint32_t>(rows.begin(), rows.end());
  };
  EXPECT_EQ(rows_of(2), (std::vector<std::uint32_t>{0, 2, 5}));
  EXPECT_EQ(rows_of(0), (std::vector<std::uint32_t>{1, 4}));
  EXPECT_EQ(rows_of(1), (std::vector<std::uint32_t>{3}));
  // All of them, cell after cell in that order (what the answer counts read).
  const auto all = grouped.grouped();
  EXPECT_EQ(std::vector<std::uint32_t>(all.begin(), all.end()), (std::vector<std::uint32_t>{0, 2, 5, 1, 4, 3}));
  // The next batch starts empty: one row of cell 1.
  grouped.start(3, 1);
  grouped.add(1, 0);
  grouped.group();
  EXPECT_EQ(grouped.cells(), (std::vector<std::uint32_t>{1}));
  EXPECT_EQ(rows_of(1), (std::vector<std::uint32_t>{0}));
  // And again: cell 2's three rows of the first batch are gone.
  grouped.start(3, 2);
  grouped.add(0, 0);
  grouped.add(2, 1);
  grouped.group();
  EXPECT_EQ(grouped.cells(), (std::vector<std::uint32_t>{0, 2}));
  EXPECT_EQ(rows_of(0), (std::vector<std::uint32_t>{0}));
  EXPECT_EQ(rows_of(2), (std::vector<std::uint32_t>{1}));
  // Row numbers are kept in 32 bits: a larger batch is refused, not truncated.
  EXPECT_THROW(grouped.start(3, std::int64_t{1} << 32), std::length_error);
}

// A cell's strata are found by slot whether it holds a few (a scan) or many (an index, from
// detail::slot_index::scanned on): each slot gets one entry, entries keep the order in which
// slots first came, and lookups find the entry made for that slot. Slots 0..299 are met in a
// shuffled order, then all again shuffled differently.
TEST(cell_tally, stratum_slot_finds_each_slot_once_with_few_or_many_strata) {
  cell_tally cell;
  std::vector<std::size_t> slots(300);
  for (std::size_t i = 0; i < slots.size(); ++i) slots[i] = i * 7919 % 1000;  // distinct, scattered
  std::mt19937 shuffle_rng(5);
  std::shuffle(slots.begin(), slots.end(), shuffle_rng);
  for (std::size_t i = 0; i < slots.size(); ++i) {
    stratum_cell& made = cell.stratum_slot(slots[i], 2, true);
    ASSERT_EQ(made.stratum, slots[i]);
    ASSERT_EQ(cell.strata.size(), i + 1) << "slot " << slots[i] << " was taken for one met before";
    EXPECT_EQ(made.moments.size(), 2U);
    EXPECT_EQ(made.pairs.size(), 2U);
    made.moments[0].n = static_cast<std::int64_t>(slots[i]) + 1;  // marks the entry
  }
  std::shuffle(slots.begin(), slots.end(), shuffle_rng);
  for (const std::size_t slot : slots) {
    const stratum_cell& found = cell.stratum_slot(slot, 2, true);
    EXPECT_EQ(found.stratum, slot);
    EXPECT_EQ(found.moments[0].n, static_cast<std::int64_t>(slot) + 1);
  }
  EXPECT_EQ(cell.strata.size(), slots.size());
  // Strata added behind the index's back are found too (the index is rebuilt).
  stratum_cell extra;
  extra.stratum = 5000;
  extra.moments.resize(2);
  cell.strata.push_back(extra);
  EXPECT_EQ(&cell.stratum_slot(5000, 2, true), &cell.strata.back());
  EXPECT_EQ(cell.strata.size(), slots.size() + 1);
}

TEST(cell_tally, makes_its_score_table_only_when_keys_are_counted_and_copies_it_whole) {
  using pairs = std::vector<std::pair<std::int64_t, std::int64_t>>;
  // Few keys stay listed: no table, and merging such a cell makes none either.
  cell_tally listed;
  for (const std::int64_t key : {10, 20, 10}) listed.add_score_key(key);
  cell_tally empty;
  empty.merge(listed, {}, false);
  EXPECT_FALSE(empty.score_table.made());
  EXPECT_EQ(empty.pending_keys.size(), 3U);
  EXPECT_EQ(empty.score_counts().size(), 0U);  // the shared empty table

  // keys_per_count keys of 100 are counted when the last gathers: a table {100: 1024}.
  cell_tally counted;
  for (std::size_t i = 0; i < cell_tally::keys_per_count; ++i) counted.add_score_key(100);
  ASSERT_TRUE(counted.score_table.made());
  EXPECT_EQ(counted.score_counts().sorted(), (pairs{{100, 1024}}));

  // A copy has a table of its own: adding to it leaves the original as it was.
  cell_tally copy = counted;
  copy.score_table.make().add(200);
  EXPECT_EQ(counted.score_counts().sorted(), (pairs{{100, 1024}}));
  EXPECT_EQ(copy.score_counts().sorted(), (pairs{{100, 1024}, {200, 1}}));

  // Merged in, a table is made; the listed keys 10, 20, 10 stay listed: {10: 2, 20: 1, 100: 1024}.
  empty.merge(counted, {}, false);
  ASSERT_TRUE(empty.score_table.made());
  EXPECT_EQ(empty.score_distribution().sorted(), (pairs{{10, 2}, {20, 1}, {100, 1024}}));

  // reset drops the table with its storage.
  empty.reset(true);
  EXPECT_FALSE(empty.score_table.made());
  EXPECT_EQ(empty.score_distribution().size(), 0U);
}

TEST(tally, approximate_bytes_grow_with_units_and_their_answer_counts) {
  tally t;
  t.groups = 9;
  t.score_columns = 1;
  t.code_rows = 5;
  EXPECT_EQ(t.approximate_bytes(), 0U);  // no units
  t.units.resize(1);
  const std::size_t one_unit_no_items = t.approximate_bytes();
  EXPECT_GT(one_unit_no_items, 9 * sizeof(cell_tally));  // nine cells and more
  t.units.resize(5000);
  EXPECT_EQ(t.approximate_bytes(), 5000 * one_unit_no_items);
  // 30 items of 5 code rows: 30 x 5 answer counts of 8 bytes a unit, 1,200 bytes more each.
  t.items = 30;
  EXPECT_EQ(t.approximate_bytes(), 5000 * (one_unit_no_items + 1200));
  // One score column lives inside each cell, its co-moments too: sampling weights add nothing.
  t.sampling_weights = true;
  EXPECT_EQ(t.approximate_bytes(), 5000 * (one_unit_no_items + 1200));
  // Two columns go to the heap, every per-column array of each of the nine cells.
  t.score_columns = 2;
  const std::size_t per_column = sizeof(score_sums) + sizeof(block_partial::column) + sizeof(stats::moments) +
                                 sizeof(stats::moment_block) + sizeof(stats::co_moments);
  EXPECT_EQ(t.approximate_bytes(), 5000 * (one_unit_no_items + 1200 + 9 * 2 * per_column));
}

TEST(compensated_sum, many_identical_values_divide_back_exactly) {
  // 10^7 copies of 0.1 (the double nearest 0.1): a plain double sum drifts to
  // 999999.9998389754; the compensated sum divides back to exactly 0.1.
  compensated_sum sum;
  double plain = 0.0;
  for (int i = 0; i < 10'000'000; ++i) {
    sum.add(0.1);
    plain += 0.1;
  }
  EXPECT_NE(plain / 1e7, 0.1);
  EXPECT_EQ(sum.divided_by(1e7), 0.1);
  EXPECT_EQ(sum.value(), 1e6);  // 10^7 * 0.1000000000000000055511... rounds to 1e6
}

TEST(compensated_sum, a_product_divides_back_by_a_sum_wider_than_a_double) {
  // What a tally does with 10^6 identical scores x and one sampling weight w: each block of
  // 1,024 rows (976 of them, then 576 rows) adds its weight W_b (a plain double) to the weight
  // sum and x·W_b (an exact product) to the weighted sum. ΣW_b spans about 63 bits, more than a
  // double holds, so dividing by the weight sum rounded to a double is off x in the last bit for
  // some x; dividing by the double-double gives x back every time. 1,200 cases: x = k/7 for
  // k = 1..300, w in {0.7, 0.3, 1.1, 2.9}.
  int wrong_after_rounding = 0;
  int wrong = 0;
  for (const double w : {0.7, 0.3, 1.1, 2.9}) {
    for (int k = 1; k <= 300; ++k) {
      const double x = k / 7.0;
      compensated_sum weight;
      compensated_sum weighted;
      for (int block = 0; block <= 976; ++block) {
        double block_weight = 0.0;
        for (int row = 0; row < (block < 976 ? 1024 : 576); ++row) block_weight += w;
        weight.add(block_weight);
        weighted.add_product(x, block_weight);
      }
      if (weighted.divided_by(weight.value()) != x) ++wrong_after_rounding;
      if (weighted.divided_by(weight) != x) ++wrong;
    }
  }
  EXPECT_GT(wrong_after_rounding, 0);  // the rounding this overload avoids (138 of 1,200)
  EXPECT_EQ(wrong, 0);
}

TEST(compensated_sum, cancellation_keeps_small_terms) {
  compensated_sum sum;
  sum.add(1e16);
  sum.add(1.0);
  sum.add(-1e16);
  EXPECT_EQ(sum.value(), 1.0);  // a plain double sum gives 0
}

// Random ballots over the small appraisal, with some invalid codes to exercise rejections.
std::vector<fixtures::text_row> random_rows(int n, unsigned seed) {
  static const std::string_view codes[] = {"1", "2", "3", "4", "", "x"};
  std::mt19937 rng(seed);
  std::vector<fixtures::text_row> rows;
  for (int i = 0; i < n; ++i) {
    fixtures::text_row row;
    row.group = rng() % 2 ? "g1" : "g2";
    row.unit = "u" + std::to_string(1 + rng() % 3);
    for (int j = 0; j < 3; ++j) row.answers.push_back(codes[rng() % (rng() % 10 == 0 ? 6 : 5)]);
    row.weight = std::to_string(0.5 + static_cast<double>(rng() % 100) / 100.0);
    rows.push_back(std::move(row));
  }
  return rows;
}

tally tally_of(const scoring_plan& plan, const std::vector<fixtures::text_row>& rows, std::size_t begin,
               std::size_t end) {
  batch_builder builder(plan);
  for (std::size_t i = begin; i < end; ++i)
    builder.add_text_row(rows[i].group, rows[i].unit, rows[i].answers, rows[i].weight);
  const response_batch batch = builder.take();
  tally t = make_tally(plan);
  accumulate(t, plan, batch, score(plan, batch));
  return t;
}

TEST(tally_merge, split_in_chunks_and_merged_in_any_order_matches_one_pass) {
  const scoring_plan plan = compile(fixtures::small_appraisal()).value();
  const auto rows = random_rows(5000, 7);
  const tally whole = tally_of(plan, rows, 0, rows.size());
  const report expected = finalize(plan, whole);

  std::mt19937 rng(11);
  for (int trial = 0; trial < 5; ++trial) {
    // Random cut points, chunks merged in a shuffled order.
    std::vector<std::size_t> cuts = {0, rows.size()};
    for (int c = 0; c < 6; ++c) cuts.push_back(rng() % rows.size());
    std::sort(cuts.begin(), cuts.end());
    std::vector<tally> parts;
    for (std::size_t c = 0; c + 1 < cuts.size(); ++c) parts.push_back(tally_of(plan, rows, cuts[c], cuts[c + 1]));
    std::shuffle(parts.begin(), parts.end(), rng);
    tally merged = make_tally(plan);
    for (const auto& part : parts) merge(merged, part);

    const report got = finalize(plan, merged);
    // Counts merge exactly.
    EXPECT_EQ(got.accounting.rows_read, expected.accounting.rows_read);
    EXPECT_EQ(got.accounting.scored, expected.accounting.scored);
    EXPECT_EQ(got.accounting.void_ballots, expected.accounting.void_ballots);
    EXPECT_EQ(got.accounting.rejected, expected.accounting.rejected);
    ASSERT_EQ(got.units.size(), expected.units.size());
    for (std::size_t u = 0; u < got.units.size(); ++u) {
      EXPECT_EQ(got.units[u].id, expected.units[u].id);
      EXPECT_EQ(got.units[u].rank, expected.units[u].rank);
      EXPECT_EQ(got.units[u].rejected, expected.units[u].rejected);
      EXPECT_NEAR(*got.units[u].total, *expected.units[u].total, 1e-12 * *expected.units[u].total);
      for (std::size_t j = 0; j < got.units[u].items.size(); ++j)
        for (std::size_t o = 0; o < got.units[u].items[j].options.size(); ++o)
          EXPECT_EQ(got.units[u].items[j].options[o].count, expected.units[u].items[j].options[o].count);
      for (std::size_t g = 0; g < got.units[u].groups.size(); ++g) {
        EXPECT_EQ(got.units[u].groups[g].n, expected.units[u].groups[g].n);
        EXPECT_NEAR(got.units[u].groups[g].weighted_n, expected.units[u].groups[g].weighted_n, 1e-9);
      }
    }
    EXPECT_TRUE(got.accounting.reconciles());
  }
}

TEST(tally_counts, answer_counts_are_the_codes_of_valid_ballots_per_unit_item_and_code) {
  // The tally counts answers a batch at a time, in a table of the cells the batch touches
  // (detail::batch_option_counts). Reference: a plain count, row by row, of the valid rows'
  // codes. One batch of 3,000 rows (with void ballots, so not every row is counted), then
  // batches of one row, into tallies of another shape in between (the table is kept per thread).
  const scoring_plan plan = compile(fixtures::small_appraisal()).value();
  batch_builder builder(plan);
  for (const auto& row : random_rows(3000, 5)) builder.add_text_row(row.group, row.unit, row.answers, row.weight);
  const response_batch batch = builder.take();
  const score_batch scored = score(plan, batch);
  tally t = make_tally(plan);
  const std::size_t k = t.items, codes = t.code_rows;
  std::vector<std::vector<std::int64_t>> expected(t.units.size(), std::vector<std::int64_t>(k * codes, 0));
  std::int64_t voids = 0;
  for (Eigen::Index i = 0; i < batch.rows(); ++i) {
    if (scored.status(i) != ballot_status::valid) {
      ++voids;
      continue;
    }
    const std::size_t u = t.unit_slot(batch.unit_ids[static_cast<std::size_t>(batch.unit(i))]);
    for (std::size_t j = 0; j < k; ++j) ++expected[u][j * codes + batch.codes(i, static_cast<Eigen::Index>(j))];
  }
  ASSERT_GT(voids, 0);
  accumulate(t, plan, batch, scored);
  // The counts taken cell by cell wait in the units' pending_answers until the block closes, and
  // the tally says so (block_closed() is false for that alone, so merge and finalize close it).
  EXPECT_TRUE(t.answers_pending);
  t.close_block();
  EXPECT_FALSE(t.answers_pending);
  for (std::size_t u = 0; u < t.units.size(); ++u) EXPECT_EQ(t.units[u].option_counts, expected[u]) << "unit " << u;

  // A batch spread over as many cells as rows (a unit per row) counts straight into the cells,
  // without the table: the same counts.
  instrument other_shape = fixtures::small_appraisal();
  other_shape.units.clear();
  const scoring_plan other = compile(other_shape).value();
  auto spread = random_rows(400, 6);
  for (std::size_t r = 0; r < spread.size(); ++r) spread[r].unit = "unit" + std::to_string(r);
  batch_builder spread_builder(other);
  for (const auto& row : spread) spread_builder.add_text_row(row.group, row.unit, row.answers, row.weight);
  const response_batch spread_batch = spread_builder.take();
  const score_batch spread_scored = score(other, spread_batch);
  tally between = make_tally(other);
  accumulate(between, other, spread_batch, spread_scored);
  ASSERT_EQ(between.units.size(), spread_batch.unit_ids.size());
  // Each unit has one row, too few to be worth its counts: the row's codes wait, uncounted,
  // until flush.
  EXPECT_FALSE(between.flushed());
  for (const auto& unit : between.units) {
    EXPECT_TRUE(unit.option_counts.empty()) << unit.id;
    EXPECT_LE(unit.pending_rows.size(), 1U) << unit.id;
  }
  between.flush();
  std::int64_t spread_valid = 0;
  for (Eigen::Index i = 0; i < spread_batch.rows(); ++i) {
    const std::size_t u = between.unit_slot(spread_batch.unit_ids[static_cast<std::size_t>(spread_batch.unit(i))]);
    std::vector<std::int64_t> row_counts(k * codes, 0);
    if (spread_scored.status(i) == ballot_status::valid) {
      ++spread_valid;
      for (std::size_t j = 0; j < k; ++j)
        ++row_counts[j * codes + spread_batch.codes(i, static_cast<Eigen::Index>(j))];
    }
    EXPECT_EQ(between.units[u].option_counts, row_counts) << "row " << i;  // one row per unit
  }
  EXPECT_GT(spread_valid, 200);  // counted rows, and void or rejected ones among them
  EXPECT_LT(spread_valid, 400);

  tally one_by_one = make_tally(plan);
  for (Eigen::Index i = 0; i < batch.rows(); ++i) {
    batch_builder single(plan);
    ASSERT_TRUE(single.add_coded_row(batch.group(i), batch.unit(i),
                                     std::vector<answer_code>(batch.codes.row(i).begin(), batch.codes.row(i).end()),
                                     batch.weight(i)));
    const response_batch b = single.take();
    accumulate(one_by_one, plan, b, score(plan, b));
  }
  one_by_one.flush();
  for (std::size_t u = 0; u < t.units.size(); ++u)
    EXPECT_EQ(one_by_one.units[u].option_counts, expected[u]) << "unit " << u;
}

TEST(tally_units, a_batch_finds_its_units_by_id_whatever_order_the_tally_lists_them_in) {
  // accumulate guesses each batch unit's place in the tally from where it was last time (on this
  // thread) and checks the guess by id. Two readers' dictionaries list the units in different
  // orders (a, b, c and c, a), and each tally meets them in a different order: every ballot must
  // still land in its own unit. Each row is a valid ballot of group g1.
  instrument open_units = fixtures::small_appraisal();
  open_units.units.clear();
  const scoring_plan plan = compile(open_units).value();
  const auto batch_of = [&](std::initializer_list<const char*> units) {
    batch_builder builder(plan);
    const std::vector<std::string_view> answers = {"1", "2", "3"};
    for (const char* unit : units) builder.add_text_row("g1", unit, answers, "1");
    return builder.take();
  };
  const response_batch abc = batch_of({"a", "b", "c"}), ca = batch_of({"c", "a"});
  const auto valid_of = [](const tally& t) {
    std::vector<std::pair<std::string, std::int64_t>> out;
    for (const auto& unit : t.units) out.emplace_back(unit.id, unit.groups[0].valid);
    return out;
  };
  using listing = std::vector<std::pair<std::string, std::int64_t>>;
  tally first = make_tally(plan);
  accumulate(first, plan, abc, score(plan, abc));
  accumulate(first, plan, ca, score(plan, ca));
  EXPECT_EQ(valid_of(first), (listing{{"a", 2}, {"b", 1}, {"c", 2}}));
  tally second = make_tally(plan);
  accumulate(second, plan, ca, score(plan, ca));
  accumulate(second, plan, abc, score(plan, abc));
  accumulate(second, plan, ca, score(plan, ca));
  EXPECT_EQ(valid_of(second), (listing{{"c", 3}, {"a", 3}, {"b", 1}}));
}

TEST(tally_counts, a_unit_of_few_rows_keeps_their_codes_until_counting_them_pays) {
  // A batch spread over about a cell per row leaves each unit without counts its rows' codes
  // (unit_tally::pending_rows) until they take half the room of its counts: here 3 items × 5
  // code rows (blank and four codes) × 8 bytes = 120 bytes, and a row takes 3 bytes (a code an
  // item), so from 20 rows (20 × 3 × 2 = 120). Batches of 400 rows: every other row goes to unit "hot", the others
  // each to a unit of their own (spread: about 205 cells × 5 code rows > 400 rows). Batch 3
  // gives "hot" two rows only.
  // Reference: a plain count, row by row, of the valid rows' codes, per unit.
  instrument open_units = fixtures::small_appraisal();
  open_units.units.clear();
  const scoring_plan plan = compile(open_units).value();
  ASSERT_EQ(plan.code_rows, 5);
  constexpr std::size_t counts_size = 3 * 5;
  std::vector<response_batch> batches;
  std::map<std::string, std::vector<std::int64_t>> expected;
  for (unsigned b = 0; b < 3; ++b) {
    auto rows = random_rows(400, 20 + b);
    for (std::size_t r = 0; r < rows.size(); ++r)
      rows[r].unit = (r % 2 == 0 && (b < 2 || r < 4)) ? "hot" : "b" + std::to_string(b) + "r" + std::to_string(r);
    batch_builder builder(plan);
    for (const auto& row : rows) builder.add_text_row(row.group, row.unit, row.answers, row.weight);
    batches.push_back(builder.take());
    const response_batch& batch = batches.back();
    const score_batch scored = score(plan, batch);
    for (Eigen::Index i = 0; i < batch.rows(); ++i) {
      if (scored.status(i) != ballot_status::valid) continue;
      auto& counts = expected[batch.unit_ids[static_cast<std::size_t>(batch.unit(i))]];
      counts.resize(counts_size, 0);
      for (Eigen::Index j = 0; j < 3; ++j) ++counts[static_cast<std::size_t>(j) * 5 + batch.codes(i, j)];
    }
  }
  const auto tally_of_batches = [&](std::initializer_list<std::size_t> which) {
    tally t = make_tally(plan);
    for (const std::size_t b : which) accumulate(t, plan, batches[b], score(plan, batches[b]));
    return t;
  };
  const auto expect_counts = [&](tally& t, const char* how) {
    for (auto& unit : t.units) {
      const auto want = expected.find(unit.id);
      // A unit whose rows were all void or rejected has no counts to expect: all zero.
      EXPECT_EQ(unit.option_counts, want == expected.end() ? std::vector<std::int64_t>(counts_size, 0) : want->second)
          << how << ", unit " << unit.id;
      EXPECT_TRUE(unit.pending_rows.empty()) << how;
    }
  };

  tally whole = tally_of_batches({0, 1, 2});
  const unit_tally& hot = whole.units[whole.unit_slot("hot")];
  EXPECT_EQ(hot.option_counts.size(), counts_size);  // counted once its rows reached 20
  EXPECT_TRUE(hot.pending_rows.empty());
  const unit_tally& single = whole.units[whole.unit_slot("b0r1")];
  EXPECT_TRUE(single.option_counts.empty());
  EXPECT_LE(single.pending_rows.size(), 1U);
  EXPECT_FALSE(whole.flushed());
  whole.flush();
  EXPECT_TRUE(whole.flushed());
  expect_counts(whole, "one tally");

  // Merged: "hot" with counts from batches 0 and 1, with two rows waiting from batch 2, into
  // either; and the single units' rows moved on uncounted, then counted at flush.
  tally first = tally_of_batches({0, 1});
  const tally last = tally_of_batches({2});
  // "hot" waits with rows, not counts: at least one of its two rows of batch 2 is valid (else
  // nothing below would merge rows into counts).
  ASSERT_TRUE(last.units[0].id == "hot" && last.units[0].option_counts.empty());
  ASSERT_GE(last.units[0].pending_rows.size(), 1U);
  ASSERT_LE(last.units[0].pending_rows.size(), 2U);
  merge(first, last);  // rows into a unit with counts
  first.flush();
  expect_counts(first, "rows merged into counts");
  tally rows_first = tally_of_batches({2});
  merge(rows_first, tally_of_batches({0, 1}));  // counts into a unit with rows
  EXPECT_EQ(rows_first.units[rows_first.unit_slot("hot")].option_counts.size(), counts_size);
  rows_first.flush();
  expect_counts(rows_first, "counts merged into rows");

  // Emptied for reuse, a tally keeps no rows.
  tally reused = tally_of_batches({2});
  reused.reset();
  for (const auto& unit : reused.units) EXPECT_TRUE(unit.pending_rows.empty());
  accumulate(reused, plan, batches[0], score(plan, batches[0]));
  accumulate(reused, plan, batches[1], score(plan, batches[1]));
  merge(reused, tally_of_batches({2}));
  reused.flush();
  expect_counts(reused, "reset, then all three");
}

TEST(tally_quartiles, scores_beyond_32_bit_grid_keys_are_counted_with_the_others) {
  // A tally keeps each score's 0.01-point grid key in 32 bits until it counts it; a key beyond
  // ±2^31 (a score above 21,474,836.47 points) is counted at once instead. Option 1 earns
  // 3·10^7 points here, so cell (u1, g1) holds one score of each kind:
  //   {1, 1, 2}: (2·3e7 + 3e7 + 75) / 4 = 22,500,018.75 (key 2,250,001,875 > 2^31 − 1)
  //   {2, 3, 1}: (2·75 + 55 + 3e7) / 4 =  7,500,051.25 (key   750,005,125)
  // Type 7 quartiles of a = 7,500,051.25 and b = 22,500,018.75 (b − a = 14,999,967.5):
  //   q1 = a + (b − a)/4 = 11,250,043.125; median = (a + b)/2 = 15,000,035;
  //   q3 = a + 3(b − a)/4 = 18,750,026.875. The same whether the rows share one tally or are
  //   tallied apart and merged, and with the merged tally's keys counted or not.
  instrument def = fixtures::small_appraisal();
  def.scales[0].options[0].points = 3e7;
  const scoring_plan plan = compile(def).value();
  auto quartiles_of = [&](bool rows_apart) {
    tally whole = make_tally(plan);
    for (const auto& r : fixtures::small_appraisal_rows()) {
      batch_builder builder(plan);
      builder.add_text_row(r.group, r.unit, r.answers, r.weight);
      const response_batch batch = builder.take();
      tally one = make_tally(plan);
      accumulate(rows_apart ? one : whole, plan, batch, score(plan, batch));
      if (rows_apart) merge(whole, one);
    }
    const report got = finalize(plan, whole);
    const auto u1 = std::find_if(got.units.begin(), got.units.end(), [](const unit_result& u) { return u.id == "u1"; });
    if (u1 == got.units.end()) return std::vector<double>{};
    const auto& g1 = u1->groups[0].stats;
    return std::vector<double>{*g1.min, *g1.q1, *g1.median, *g1.q3, *g1.max};
  };
  const std::vector<double> expected = {7500051.25, 11250043.125, 15000035.0, 18750026.875, 22500018.75};
  EXPECT_EQ(quartiles_of(false), expected);
  EXPECT_EQ(quartiles_of(true), expected);
}

TEST(tally_quartiles, a_cell_of_few_ballots_keeps_its_score_keys_listed_and_reads_them_counted) {
  // Few ballots: three keys, never keys_per_count of them, so none is counted, flush or not.
  cell_tally few;
  for (const std::int64_t key : {7500, 2500, 7500}) few.add_score_key(key);
  few.settle_score_keys();
  EXPECT_TRUE(few.score_keys_settled());
  EXPECT_EQ(few.score_counts().size(), 0U);  // no table made
  EXPECT_EQ(few.pending_keys.size(), 3U);
  using pairs = std::vector<std::pair<std::int64_t, std::int64_t>>;
  EXPECT_EQ(few.score_distribution().sorted(), (pairs{{2500, 1}, {7500, 2}}));
  stats::count_map scratch;
  EXPECT_EQ(&few.score_distribution(scratch), &scratch);  // listed keys: counted into the scratch
  EXPECT_EQ(few.score_distribution(scratch).sorted(), (pairs{{2500, 1}, {7500, 2}}));

  // Many: keys 0..1023 once each are counted when the 1,024th gathers; then key 5 three times
  // more waits, unsettled, until settle counts it in: key 5 has 1 + 3 = 4 ballots, 1,027 in all.
  cell_tally many;
  for (std::int64_t key = 0; key < static_cast<std::int64_t>(cell_tally::keys_per_count); ++key) many.add_score_key(key);
  EXPECT_EQ(many.score_counts().size(), cell_tally::keys_per_count);
  for (int i = 0; i < 3; ++i) many.add_score_key(5);
  EXPECT_FALSE(many.score_keys_settled());
  EXPECT_EQ(many.score_distribution().total(), 1027);  // read before settling: the same counts
  many.settle_score_keys();
  EXPECT_TRUE(many.score_keys_settled());
  EXPECT_TRUE(many.pending_keys.empty());
  EXPECT_EQ(many.score_counts().total(), 1027);
  EXPECT_EQ(&many.score_distribution(scratch), &many.score_counts());  // nothing listed: no copy
  EXPECT_EQ(many.score_distribution().keys_at_ranks({5, 6, 8, 9}), (std::vector<std::int64_t>{5, 5, 5, 6}));

  // Pooled: the few cell's keys join the many cell's counts.
  stats::count_map pooled;
  many.add_score_distribution_to(pooled);
  few.add_score_distribution_to(pooled);
  EXPECT_EQ(pooled.total(), 1030);
  EXPECT_EQ(pooled.size(), 1024U + 2U);  // 0..1023, 2500, 7500
}

TEST(tally_quartiles, score_keys_beyond_sixteen_bits_are_counted_at_once_and_read_with_the_listed_ones) {
  // Listed keys are 16-bit: grid keys -32,768..32,767, that is scores -327.68..327.67 points.
  // 32,767 and -32,768 are listed; 32,768 (327.68 points, a sum score of 400 would be 40,000)
  // and -32,769 go straight to the table. Read together: 5 ballots, keys in order
  // -32,769, -32,768, 100, 32,767, 40,000.
  cell_tally cell;
  for (const std::int64_t key : {std::int64_t{32767}, std::int64_t{-32768}, std::int64_t{100}}) cell.add_score_key(key);
  EXPECT_EQ(cell.pending_keys.size(), 3U);
  EXPECT_FALSE(cell.score_table.made());
  cell.add_score_key(40000);
  cell.add_score_key(-32769);
  EXPECT_EQ(cell.pending_keys.size(), 3U);  // the two outside went to the table
  using pairs = std::vector<std::pair<std::int64_t, std::int64_t>>;
  EXPECT_EQ(cell.score_counts().sorted(), (pairs{{-32769, 1}, {40000, 1}}));
  EXPECT_EQ(cell.score_distribution().sorted(),
            (pairs{{-32769, 1}, {-32768, 1}, {100, 1}, {32767, 1}, {40000, 1}}));
  // Merged into an empty cell, both kinds arrive, the listed ones still listed with their values.
  cell_tally into;
  into.merge(cell, {}, false);
  EXPECT_EQ(into.pending_keys, (std::vector<cell_tally::listed_key>{32767, -32768, 100}));
  EXPECT_EQ(into.score_distribution().sorted(), cell.score_distribution().sorted());
}

TEST(tally_units, unit_slot_finds_ids_by_index_and_notices_units_added_around_it) {
  // The small appraisal declares u1, u2, u3: slots 0, 1, 2; a new id is appended once.
  const scoring_plan plan = compile(fixtures::small_appraisal()).value();
  tally t = make_tally(plan);
  EXPECT_EQ(t.unit_slot("u2"), 1U);
  EXPECT_EQ(t.unit_slot("new"), 3U);
  EXPECT_EQ(t.unit_slot("new"), 3U);
  EXPECT_EQ(t.units.size(), 4U);
  // A unit pushed without unit_slot (slot 4) is found all the same; so are the others.
  unit_tally outside;
  outside.id = "outside";
  t.units.push_back(outside);
  EXPECT_EQ(t.unit_slot("outside"), 4U);
  EXPECT_EQ(t.unit_slot("u3"), 2U);
  EXPECT_EQ(t.units.size(), 5U);
}

TEST(tally_merge, refuses_tallies_of_another_definition) {
  const scoring_plan plan = compile(fixtures::small_appraisal()).value();
  instrument other = fixtures::small_appraisal();
  other.items[0].weight = 3.0;
  const scoring_plan other_plan = compile(other).value();
  tally a = make_tally(plan);
  const tally b = make_tally(other_plan);
  EXPECT_THROW(merge(a, b), std::invalid_argument);
}

TEST(tally_merge, open_units_meet_by_id_across_tallies) {
  instrument def = fixtures::small_appraisal();
  def.units.clear();
  def.ranking.min_valid = 1;
  const scoring_plan plan = compile(def).value();
  const std::vector<fixtures::text_row> first = {{"g1", "east", {"1", "1", "1"}, ""}};
  const std::vector<fixtures::text_row> second = {{"g1", "west", {"2", "2", "2"}, ""},
                                                 {"g1", "east", {"3", "3", "3"}, ""}};
  tally a = tally_of(plan, first, 0, 1);
  merge(a, tally_of(plan, second, 0, 2));
  ASSERT_EQ(a.units.size(), 2U);
  EXPECT_EQ(a.units[0].id, "east");
  EXPECT_EQ(a.units[0].groups[0].valid, 2);
  // east g1: (100 + 55)/2 = 77.5 -> renormalised (g2 absent) -> 77.5 * 0.8 = 62
  const report r = finalize(plan, a);
  // west g1: 75 -> 75 * 0.8 = 60. East ranks first.
  EXPECT_EQ(r.units[0].id, "east");
  EXPECT_NEAR(*r.units[0].total, 62.0, 1e-12);
  EXPECT_NEAR(*r.units[1].total, 60.0, 1e-12);
}

}  // namespace

namespace {

using namespace qscore;

// Scores rows [0, n) in batches of `batch` rows into one tally.
tally tally_in_batches(const scoring_plan& plan, const std::vector<fixtures::text_row>& rows,
                       std::size_t batch) {
  tally t = make_tally(plan);
  batch_builder builder(plan);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    builder.add_text_row(rows[i].group, rows[i].unit, rows[i].answers, rows[i].weight);
    if (builder.size() + static_cast<Eigen::Index>(builder.rejected()) >= static_cast<Eigen::Index>(batch) ||
        i + 1 == rows.size()) {
      const response_batch b = builder.take();
      accumulate(t, plan, b, score(plan, b));
    }
  }
  return t;
}

void expect_bit_identical(const report& a, const report& b) {
  ASSERT_EQ(a.units.size(), b.units.size());
  for (std::size_t u = 0; u < a.units.size(); ++u) {
    EXPECT_EQ(a.units[u].total, b.units[u].total);  // optional<double> ==: exact
    for (std::size_t g = 0; g < a.units[u].groups.size(); ++g) {
      EXPECT_EQ(a.units[u].groups[g].mean, b.units[u].groups[g].mean);
      EXPECT_EQ(a.units[u].groups[g].weighted_n, b.units[u].groups[g].weighted_n);
    }
    for (std::size_t d = 0; d < a.units[u].dimensions.size(); ++d)
      EXPECT_EQ(a.units[u].dimensions[d].score, b.units[u].dimensions[d].score);
  }
  EXPECT_EQ(a.accounting.rows_read, b.accounting.rows_read);
}

TEST(tally_blocks, any_batch_size_gives_bit_identical_sums) {
  const scoring_plan plan = compile(fixtures::small_appraisal()).value();
  const auto rows = random_rows(6000, 3);  // several blocks of block_rows
  const report one_batch = finalize(plan, tally_in_batches(plan, rows, rows.size()));
  for (const std::size_t batch : {1UL, 7UL, 1000UL, 1024UL, 4096UL})
    expect_bit_identical(finalize(plan, tally_in_batches(plan, rows, batch)), one_batch);
}

TEST(tally_blocks, a_cell_quiet_for_many_blocks_closes_them_as_one_pass_would) {
  // Unit u3 has a row only every 3,000 rows: its cells sit out several blocks (1,024 rows) and
  // folds (8,192 rows) at a time. A cell crosses the edges since its last row when it is next
  // given rows, in whatever batch that is, or when the tally closes (detail::add_valid_rows);
  // fed one row a batch, every crossing happens in a later batch than the cell's last row, fed
  // in one batch none does. The sums, and the standard errors that the folds feed, must agree
  // to the bit.
  const scoring_plan plan = compile(fixtures::small_appraisal()).value();
  auto rows = random_rows(20000, 13);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i % 3000 == 0) rows[i].unit = "u3";
    else if (rows[i].unit == "u3") rows[i].unit = "u1";
  }
  const report one_batch = finalize(plan, tally_in_batches(plan, rows, rows.size()));
  for (const std::size_t batch : {1UL, 7UL, 1000UL, 5000UL}) {
    const report got = finalize(plan, tally_in_batches(plan, rows, batch));
    expect_bit_identical(got, one_batch);
    for (std::size_t u = 0; u < got.units.size(); ++u)
      for (std::size_t g = 0; g < got.units[u].groups.size(); ++g) {
        EXPECT_EQ(got.units[u].groups[g].stats.se, one_batch.units[u].groups[g].stats.se);
        EXPECT_EQ(got.units[u].groups[g].stats.sd, one_batch.units[u].groups[g].stats.sd);
      }
  }
  // u3 has its 7 rows (0, 3000, ..., 18000), whatever their status.
  const auto u3 =
      std::find_if(one_batch.units.begin(), one_batch.units.end(), [](const unit_result& u) { return u.id == "u3"; });
  ASSERT_NE(u3, one_batch.units.end());
  std::int64_t u3_ballots = u3->rejected;
  for (const auto& g : u3->groups) u3_ballots += g.n + g.void_ballots;
  EXPECT_EQ(u3_ballots, 7);
}

TEST(tally_blocks, parts_of_whole_blocks_merge_to_the_single_pass_exactly) {
  // Parts cut at multiples of block_rows accepted rows merge, in order, to the one-pass sums.
  const scoring_plan plan = compile(fixtures::small_appraisal()).value();
  std::vector<fixtures::text_row> rows;
  for (const auto& row : random_rows(8000, 5))  // keep only rows that are accepted
    if (std::find(row.answers.begin(), row.answers.end(), "x") == row.answers.end()) rows.push_back(row);
  const report single = finalize(plan, tally_in_batches(plan, rows, 500));
  const std::size_t cut1 = 2 * block_rows, cut2 = 5 * block_rows;
  tally merged = make_tally(plan);
  merge(merged, tally_of(plan, rows, 0, cut1));
  merge(merged, tally_of(plan, rows, cut1, cut2));
  merge(merged, tally_of(plan, rows, cut2, rows.size()));
  expect_bit_identical(finalize(plan, merged), single);
}

TEST(tally_blocks, parts_of_whole_folds_merge_to_the_single_pass_with_their_standard_errors) {
  // The strata's second moments fold every moment_fold_blocks blocks (8 x 1,024 rows): parts cut
  // at multiples of 8,192 accepted rows merge to the one-pass standard errors too. (Cut one block
  // earlier, the first part's last fold comes early and the standard errors differ in the last
  // bits.)
  const scoring_plan plan = compile(fixtures::small_appraisal()).value();
  std::vector<fixtures::text_row> rows;
  for (const auto& row : random_rows(20000, 7))
    if (std::find(row.answers.begin(), row.answers.end(), "x") == row.answers.end()) rows.push_back(row);
  const auto fold_rows = static_cast<std::size_t>(moment_fold_blocks * block_rows);
  ASSERT_GT(rows.size(), 2 * fold_rows);
  const report single = finalize(plan, tally_in_batches(plan, rows, 500));
  tally merged = make_tally(plan);
  merge(merged, tally_of(plan, rows, 0, fold_rows));
  merge(merged, tally_of(plan, rows, fold_rows, 2 * fold_rows));
  merge(merged, tally_of(plan, rows, 2 * fold_rows, rows.size()));
  const report parts = finalize(plan, merged);
  expect_bit_identical(parts, single);
  for (std::size_t u = 0; u < single.units.size(); ++u) {
    for (std::size_t g = 0; g < single.units[u].groups.size(); ++g) {
      ASSERT_TRUE(single.units[u].groups[g].stats.se.has_value());
      EXPECT_EQ(parts.units[u].groups[g].stats.se, single.units[u].groups[g].stats.se);
      EXPECT_EQ(parts.units[u].groups[g].stats.sd, single.units[u].groups[g].stats.sd);
    }
    for (std::size_t d = 0; d < single.units[u].dimensions.size(); ++d)
      EXPECT_EQ(parts.units[u].dimensions[d].se, single.units[u].dimensions[d].se);
  }
}

}  // namespace
