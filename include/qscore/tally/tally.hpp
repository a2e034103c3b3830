// Tallies: the only state that grows while scoring, and the only state that merges.
//
// A tally holds, per evaluated unit and respondent group (a "cell"): ballot counts, sums of
// sampling weights and of weighted scores per score column, and the statistics state of
// include/qscore/stats/: per sampling stratum within the cell, weighted moments (and, with
// sampling weights, the co-moments of w·y and w) per score column; respondent scores (whole
// questionnaire) counted on a 0.01-point grid (for quartiles). Per unit, all its groups
// together, it holds exact per-option answer counts per item. With `statistics.reliability`,
// each respondent group also counts the code pairs of every two items of a scale (exact integer
// cross tabulations), from which finalize computes Cronbach's alpha.
// Counts are integers and merge exactly. Three kinds wait before they join the tables above (so
// that the work of adding them is done once per many rows): the score keys
// (cell_tally::pending_keys, counted at flush, or in a cell of few ballots kept as a list: read
// them through cell_tally::score_distribution), the answer counts taken cell by cell
// (unit_tally::pending_answers, added at close_block), and the codes of a unit with too few
// rows to be worth its answer counts yet (unit_tally::pending_rows, counted at flush). Read a
// tally's counts after flush().
//
// Sums are taken in fixed blocks of `block_rows` consecutive rows, counted from the first row
// the tally saw: within a block each cell sums in plain doubles in row order (moments about the
// block's first value, see stats/moments.hpp), and at the end of a block the partial sums join
// the cell's compensated (double-double) state; the strata's second moments fold every
// moment_fold_blocks blocks. Block edges depend only on row numbers, not on how the rows were
// cut into batches, so scoring a file in one batch or in many, with any chunk size, gives
// bit-identical sums.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "qscore/data/response_batch.hpp"
#include "qscore/detail/heap_box.hpp"
#include "qscore/detail/small_vector.hpp"
#include "qscore/plan/scoring_plan.hpp"
#include "qscore/score/scorer.hpp"
#include "qscore/stats/histogram.hpp"
#include "qscore/stats/moments.hpp"
#include "qscore/tally/batch_option_counts.hpp"
#include "qscore/tally/cell_rows.hpp"
#include "qscore/tally/compensated_sum.hpp"
#include "qscore/tally/slot_index.hpp"

namespace qscore {

// Rows per block. Closing a block costs a few double-double updates in every cell the block
// touched: with the bench pool's 198 cells each close covers about five rows of a cell, and
// closing is 5 % of a run. Blocks of 4,096 rows cut that to 1.5 %, but a cell's plain sums
// then round over about 20 rows, and one cell mean of tests/accuracy/exact_means.py (198 cells)
// came out 1 ulp off the correctly rounded value: not taken.
inline constexpr std::int64_t block_rows = 1024;

// Blocks per fold of the strata's moments (the standard errors' second moments): a fold is a
// double-double merge per score column and stratum, which at every block edge was 5 % of a run;
// every 8 blocks it is under 2 %. Within those 8,192 rows each cell sums its moments in plain
// doubles about the fold's first value (stats::moment_block), about 40 rows a cell for the bench
// pool. The means do not depend on it: their sums join at every block edge.
inline constexpr std::int64_t moment_fold_blocks = 8;

// Weighted first moments of one score column within one cell (the report's means).
struct score_sums {
  std::int64_t n = 0;           // respondents with a score in this column
  compensated_sum weight;       // sum of w
  compensated_sum weighted;     // sum of w * x

  void merge(const score_sums& other) {
    n += other.n;
    weight.add(other.weight);
    weighted.add(other.weighted);
  }
};

// Plain-double sums of the current block, per score column. The weighted scores are summed
// about the block's first score x0 of each column, as Σw·(x − x0), and join the compensated
// sum at the block's end as x0·Σw (an exact product) plus that sum: a plain Σw·x of identical
// scores drifts in its last bits (1024 copies of 73.3… do not add up to 1024 × 73.3…), while
// deviations from x0 are exactly 0, so any number of identical scores gives back exactly that
// mean (tests/unit/tally_exact_mean_test.cpp).
struct block_partial {
  struct column {
    double w = 0.0, wd = 0.0;                              // Σw, Σw·(x − x0)
    double x0 = std::numeric_limits<double>::quiet_NaN();  // NaN until the first score

    void add(double x, double weight) {
      if (std::isnan(x0)) x0 = x;
      w += weight;
      wd += weight * (x - x0);
    }
  };
  bool active = false;
  double weight = 0.0;
  // One entry per score column, the three sums side by side: a row reads and writes one place
  // (three vectors were three cache lines a row, and three fills when a block opened a cell).
  // The first inline, as the cell's other per-column arrays (detail/small_vector.hpp).
  detail::small_vector<column, 1> columns;
};

// The rows of one cell that belong to one sampling stratum: what standard errors are made of.
// Per score column, the first inline: with the strata the groups, a cell's one stratum then
// lives inside the cell (detail/small_vector.hpp). The open block, which every row updates,
// comes first.
struct stratum_cell {
  std::size_t stratum = 0;  // the tally's stratum slot
  detail::small_vector<stats::moment_block, 1> pending;  // per score column: the open block
  detail::small_vector<stats::moments, 1> moments;  // per score column: weighted moments of the scores
  detail::small_vector<stats::co_moments, 1> pairs;  // per score column: co-moments of (w·y, w);
                                                     // empty without sampling weights

  void flush() {
    for (std::size_t s = 0; s < pending.size(); ++s)
      pending[s].fold_into(moments[s], pairs.empty() ? nullptr : &pairs[s]);
  }
  // Empties the stratum's sums, keeping its storage (see tally::reset).
  void reset() {
    std::fill(moments.begin(), moments.end(), stats::moments{});
    std::fill(pairs.begin(), pairs.end(), stats::co_moments{});
    std::fill(pending.begin(), pending.end(), stats::moment_block{});
  }
  void merge(const stratum_cell& other) {
    for (std::size_t s = 0; s < moments.size(); ++s) {
      moments[s].merge(other.moments[s]);
      if (!pairs.empty()) pairs[s].merge(other.pairs[s]);
    }
  }
};

// What a row updates comes first (its counts, block marks, gathered keys, open sums and its
// stratum's open block), so that a survey of thousands of cells, each a cache miss, touches
// few lines of each.
struct cell_tally {
  std::int64_t valid = 0;       // valid ballots
  // Grid keys of valid ballots not yet counted, in row order. A key joins score_counts only
  // when `keys_per_count` of them have gathered (or at flush): the cell's count table is then
  // counted into in one go, while it is in cache. Adding each key as it came, or at every block
  // edge (about five keys per cell with 198 cells), missed the cache on nearly every add: that
  // was 10 % of a whole run (bench/RESULTS.md). Counts are integers, so when they are added does
  // not change them. The vector keeps its capacity: a steady state allocates nothing. Kept in 16
  // bits (scores within ±327.67 points, which a 0-100 scale and most sum scores are; a key
  // outside is counted at once): a tally holds one key per valid ballot of every cell that has
  // not gathered keys_per_count of them. With 5,000 units (45,000 cells) that list is what grows
  // with the rows of a file: at 4 bytes a ballot, with the room reserved ahead of them, one
  // thread's peak grew about 7 MB a million rows, 3 MB in 16 bits (bench/RESULTS.md,
  // twenty-sixth round).
  using listed_key = std::int16_t;
  std::vector<listed_key> pending_keys;
  static constexpr std::size_t keys_per_count = 1024;

  // The tally block (tally::rows_since_close / block_rows) that the open sums and moment blocks
  // belong to: the block edges passed since then are crossed when the cell is next given rows,
  // or when the tally closes (detail::add_valid_rows). Meaningful while pending.active or
  // moments_open.
  std::int64_t open_block = 0;
  bool moments_open = false;  // rows added to the strata's moment blocks since the last fold
  bool listed = false;        // in tally::open_cells
  block_partial pending;      // the open block's sums, not yet in the compensated sums
  detail::small_vector<score_sums, 1> scores;  // one per score column
  // In order of first appearance in this cell; the first inline (one, when the strata are the
  // groups).
  detail::small_vector<stratum_cell, 1> strata;
  std::int64_t void_ballots = 0;
  compensated_sum weight;  // sum of sampling weights over valid ballots
  // Respondent scores (column 0, the whole questionnaire) on the stats::score_grid: grid key ->
  // respondents, for quartiles and the median; read it through score_counts() (or, with the
  // keys still listed, score_distribution). On the heap, made when the first keys are counted:
  // a cell of few ballots never counts them (settle_score_keys), and a count_map inline was
  // 128 of a cell's 304 bytes: 5.4 MB a tally of 45,000 cells (bench/RESULTS.md,
  // twenty-fourth round).
  detail::heap_box<stats::count_map> score_table;
  [[nodiscard]] const stats::count_map& score_counts() const { return score_table.get(); }

  // Moves the open block's sums into the compensated sums.
  void close_block() {
    if (!pending.active) return;
    weight.add(pending.weight);
    for (std::size_t s = 0; s < scores.size(); ++s) {
      const block_partial::column& sums = pending.columns[s];
      scores[s].weight.add(sums.w);
      if (sums.w != 0.0 || sums.wd != 0.0) {
        scores[s].weighted.add_product(sums.x0, sums.w);
        scores[s].weighted.add(sums.wd);
      }
    }
    pending.active = false;
  }

  // Folds the strata's moment blocks into their running moments.
  void fold_moments() {
    for (auto& stratum : strata) stratum.flush();
    moments_open = false;
  }

  // Gathers the grid key of a valid ballot's score (column 0).
  void add_score_key(std::int64_t key) {
    if (key < std::numeric_limits<listed_key>::min() || key > std::numeric_limits<listed_key>::max()) {
      score_table.make().add(key);
      return;
    }
    if (pending_keys.size() == pending_keys.capacity()) grow_pending_keys();
    pending_keys.push_back(static_cast<listed_key>(key));
    if (pending_keys.size() == keys_per_count) count_pending_keys();
  }

  // Room for more keys, four times as many each time, up to keys_per_count. A segment's tally
  // starts with every cell empty, and doubling from one key took ten allocations a cell before
  // the bench pool's 500 or so keys a cell and segment fit: 190,000 allocations for the 10M
  // pool, with their frees on the merging thread, 3 % of a one-thread run.
  [[gnu::noinline]] void grow_pending_keys() {
    pending_keys.reserve(std::min(keys_per_count, std::max<std::size_t>(16, 4 * pending_keys.capacity())));
  }

  // The cell's respondent scores (column 0) on the grid, counted: score_counts with the keys
  // still gathered added in. What finalize reads; a flushed cell may keep its keys listed.
  [[nodiscard]] stats::count_map score_distribution() const {
    stats::count_map out = score_counts();
    add_listed_keys_to(out);
    return out;
  }
  // The same without copying the table when no keys are listed: score_counts itself, else
  // `scratch`, filled. (A cell of many ballots has a table of up to 20 KB; copying each for its
  // quartiles was 0.9 GB of copies for a survey of 45,000 such cells.)
  [[nodiscard]] const stats::count_map& score_distribution(stats::count_map& scratch) const {
    if (pending_keys.empty()) return score_counts();
    scratch = score_distribution();
    return scratch;
  }
  // Adds score_distribution() to `into` (pooling cells), without the copy of this cell's table.
  void add_score_distribution_to(stats::count_map& into) const {
    into.merge(score_counts());
    add_listed_keys_to(into);
  }

  // Counts the gathered keys at flush, but only in a cell that has counts already. A cell that
  // never gathered keys_per_count keys keeps them as a list (2 bytes a ballot, under 2 KB): a
  // count table is 16 bytes a slot at most three quarters full, doubling as it grows, so 32 to
  // 43 bytes for each distinct score. Counting them all at the end of a run of 4 million rows
  // over 5,000 units (45,000 cells of about 90 ballots, nearly every score distinct) made 110 MB
  // of tables, the run's peak (bench/RESULTS.md, twenty-third round); the keys themselves were
  // 16 MB in 32 bits, and already held.
  void settle_score_keys() {
    if (score_counts().size() != 0) count_pending_keys();
  }
  [[nodiscard]] bool score_keys_settled() const { return pending_keys.empty() || score_counts().size() == 0; }
  // Adds the keys still gathered to `into`.
  void add_listed_keys_to(stats::count_map& into) const {
    // Room for all of them at once: listed keys are few (under keys_per_count) and of few
    // ballots, nearly all distinct; growing the table step by step re-inserted them each time.
    into.reserve(into.size() + pending_keys.size());
    into.add_each(pending_keys.data(), pending_keys.data() + pending_keys.size());
  }

  // Counts the gathered grid keys into score_counts.
  void count_pending_keys() {
    if (pending_keys.empty()) return;
    // Room for some new keys up front, not for all: many keys repeat, and a table sized for
    // 1,024 distinct keys would waste 32 KB in each of a tally's cells.
    stats::count_map& counts = score_table.make();
    counts.reserve(counts.size() + pending_keys.size() / 4);
    counts.add_each(pending_keys.data(), pending_keys.data() + pending_keys.size());
    pending_keys.clear();
  }

  // The stratum entry for tally stratum slot `slot`, created when new. The first is checked
  // here, inlined in the row loop (when the strata are the groups, a cell has just one); the
  // search and the creation stay out of line (the call per row was 2 % of a run).
  stratum_cell& stratum_slot(std::size_t slot, std::size_t columns, bool with_pairs) {
    if (!strata.empty() && strata.front().stratum == slot) return strata.front();
    return find_or_add_stratum(slot, columns, with_pairs);
  }
  [[gnu::noinline]] stratum_cell& find_or_add_stratum(std::size_t slot, std::size_t columns, bool with_pairs) {
    if (const std::size_t at = stratum_positions.find_or_reserve(strata, slot); at < strata.size()) return strata[at];
    stratum_cell fresh;
    fresh.stratum = slot;
    fresh.moments.resize(columns);
    if (with_pairs) fresh.pairs.resize(columns);
    fresh.pending.resize(columns);
    strata.push_back(std::move(fresh));
    return strata.back();
  }
  detail::slot_index stratum_positions;  // slot -> position in `strata`, once there are many

  // Empties the cell, keeping its storage (see tally::reset). `keep_strata`: the strata are
  // the groups, so the cell's one stratum entry is the same in every part and is kept, emptied;
  // else the strata are dropped (a part's stratum slots are its own).
  void reset(bool keep_strata) {
    valid = 0;
    void_ballots = 0;
    weight = compensated_sum{};
    std::fill(scores.begin(), scores.end(), score_sums{});
    pending.active = false;
    if (keep_strata) {
      for (auto& stratum : strata) stratum.reset();
    } else {
      strata.clear();
      stratum_positions = detail::slot_index{};
    }
    score_table.clear();
    pending_keys.clear();
    moments_open = false;
    listed = false;
  }

  // Merges a cell whose block is closed into this one (whose block is closed too); `slot_map`
  // takes the other tally's stratum slots to this tally's.
  void merge(const cell_tally& other, const std::vector<std::size_t>& slot_map, bool with_pairs) {
    valid += other.valid;
    void_ballots += other.void_ballots;
    weight.add(other.weight);
    for (std::size_t s = 0; s < scores.size(); ++s) scores[s].merge(other.scores[s]);
    for (const auto& stratum : other.strata)
      stratum_slot(slot_map[stratum.stratum], scores.size(), with_pairs).merge(stratum);
    if (other.score_counts().size() != 0) score_table.make().merge(other.score_counts());
    // The other cell's uncounted keys join ours uncounted: counting them here would only be
    // done again when its table merges into ours. Copied a stretch at a time, up to each count
    // (a push_back per key was an eighth of the merging thread's time).
    const listed_key* key = other.pending_keys.data();
    const listed_key* const keys_end = key + other.pending_keys.size();
    while (key != keys_end) {
      const auto take = std::min(static_cast<std::ptrdiff_t>(keys_per_count - pending_keys.size()), keys_end - key);
      pending_keys.insert(pending_keys.end(), key, key + take);
      key += take;
      if (pending_keys.size() == keys_per_count) count_pending_keys();
    }
  }
};

struct unit_tally {
  std::string id;
  std::int64_t rejected = 0;            // rejected rows attributed to this unit
  std::vector<cell_tally> groups;       // G cells
  // Answer counts of valid ballots: counts[j * code_rows + c] = ballots, of any group, that gave
  // code c (0 = blank) on item j. Per unit only: the report shows items per unit, and counts
  // per group as well were nine times the memory for the bench pool (54 MB a tally at 5,000
  // units), zero-filled and merged for nothing. Empty until the unit's first counts are taken:
  // a unit with few rows keeps them in pending_rows instead (see tally::unit_counts).
  std::vector<std::int64_t> option_counts;
  // Per group (one per cell): answer counts not yet in option_counts
  // (detail::batch_option_counts), added at the tally's close_block. Kept here rather than in
  // the cells, which accumulate reads per row.
  std::vector<detail::pending_answer_counts> pending_answers;
  // Valid ballots whose codes are not yet in option_counts, while the unit has no counts
  // (detail::pending_answer_rows): counted at flush, or once they would take half the room of
  // the counts. Merge moves them on uncounted.
  detail::pending_answer_rows pending_rows;
};

// Item-pair code counts of one respondent group, for reliability. For score column s with items
// J_s = reliability_items[s] (k items), pairs[s][((a * k + b) * code_rows + c) * code_rows + d]
// counts the respondents who gave code c on item J_s[a] and code d on item J_s[b] (a <= b;
// a == b gives the item's own histogram). Listwise: only respondents who answered every item of
// J_s. Pairwise: every valid ballot (codes that are not answers are skipped when computing).
struct reliability_tally {
  std::vector<std::vector<std::int64_t>> pairs;
  std::vector<std::int64_t> respondents;  // per score column: respondents counted (listwise: who
                                          // answered every item; pairwise: who answered any)
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
  // Batch rows (any status) since the tally last closed: row r of the tally is in block
  // r / block_rows and in fold r / (block_rows * moment_fold_blocks).
  std::int64_t rows_since_close = 0;
  // (unit, group) of the cells given rows since the tally last closed (cell_tally::listed),
  // each once: the cells that may hold open sums or moments.
  std::vector<std::pair<std::size_t, std::size_t>> open_cells;
  bool answers_pending = false;  // some cell's pending_answers may hold counts

  // Sampling design: the strata are the respondent groups (slot = group index), or the values
  // of the layout's stratum column (slot = index into stratum_ids, in order of first appearance).
  bool strata_are_groups = true;
  std::vector<std::string> stratum_ids;
  bool sampling_weights = false;  // the layout has a weight column: co-moments are kept

  // Respondent formulas (empty without them). void_by_reason[r]: void ballots for reason r
  // (reason_min_answered, reason_valid_if, reason_first_check + c); division_by_zero[f]: rows
  // where a division by zero made formula f missing (plan.counted_formulas() order);
  // check_failed[c]: rows that failed check c (whatever its action).
  std::vector<std::int64_t> void_by_reason;
  std::vector<std::int64_t> division_by_zero;
  std::vector<std::int64_t> check_failed;

  // Reliability (empty unless the definition asks for it).
  std::vector<std::vector<std::size_t>> reliability_items;  // per score column: item indices
  std::vector<reliability_tally> reliability;               // per group

  // Empties a tally for another part of the same plan, as make_tally would make it but with
  // its storage kept: each cell's key buffer and strata, the answer count lanes, the units'
  // tables. A parallel run recycles the tallies of merged segments this way: a fresh tally a
  // segment cost four allocations a cell for the keys alone (190,000 for the bench pool's 10M
  // rows, freed again on the merging thread), and page faults on every table.
  // Units seen before stay listed, empty: merging an empty unit changes no count or sum, and a
  // unit already in the tally it merges into keeps its place there, so a tally recycled after
  // its merge gives that tally exactly what a fresh one would. (Merged into a tally without
  // them, those units would appear there without ballots.)
  void reset() {
    for (auto& unit : units) {
      unit.rejected = 0;
      for (auto& cell : unit.groups) cell.reset(strata_are_groups);
      std::fill(unit.option_counts.begin(), unit.option_counts.end(), 0);
      for (auto& answers : unit.pending_answers) answers.clear();
      unit.pending_rows.clear();
    }
    rows_read = 0;
    rejected_without_unit = 0;
    rejected_by_reason.clear();
    rejection_samples.clear();
    rows_since_close = 0;
    open_cells.clear();
    answers_pending = false;
    if (!strata_are_groups) {
      stratum_ids.clear();
      stratum_index.clear();
    }
    std::fill(void_by_reason.begin(), void_by_reason.end(), 0);
    std::fill(division_by_zero.begin(), division_by_zero.end(), 0);
    std::fill(check_failed.begin(), check_failed.end(), 0);
    for (auto& group : reliability) {
      std::fill(group.respondents.begin(), group.respondents.end(), 0);
      for (auto& table : group.pairs) std::fill(table.begin(), table.end(), 0);
    }
  }

  // Closes everything open, the block's sums and the moments alike: at the end of a part, and
  // before a merge or finalize. The next row starts a fresh block and a fresh fold.
  // The open cells are listed in the order rows first reached them, so with many units each is
  // a cache miss the loop waited for in turn: 4M rows over 5,000 units spent 8 % of a one-thread
  // run here, three quarters of it on the load of a cell's first field. The cells a few places
  // on are asked for ahead, all of each (closing and folding read most of its lines).
  void close_block() {
    constexpr std::size_t ahead = 8;
    for (std::size_t i = 0; i < open_cells.size(); ++i) {
      if (i + ahead < open_cells.size()) prefetch_cell(open_cells[i + ahead]);
      const auto [u, g] = open_cells[i];
      cell_tally& cell = units[u].groups[g];
      cell.close_block();
      if (cell.moments_open) cell.fold_moments();
      cell.listed = false;
    }
    open_cells.clear();
    rows_since_close = 0;
    fold_pending_answers();
  }
  void prefetch_cell(std::pair<std::size_t, std::size_t> at) const {
    const char* const cell = reinterpret_cast<const char*>(&units[at.first].groups[at.second]);
    // Cells are not line-aligned: the lines from the first byte to the last.
    for (std::size_t offset = 0; offset < sizeof(cell_tally) + 63; offset += 64) __builtin_prefetch(cell + offset, 1);
  }
  void fold_pending_answers() {
    if (!answers_pending) return;
    for (auto& unit : units) {
      if (unit.option_counts.empty()) continue;  // lanes are filled only for units given counts
      for (auto& answers : unit.pending_answers) answers.fold_into(unit.option_counts.data(), items, code_rows);
    }
    answers_pending = false;
  }
  // Closes the open block, counts the gathered grid keys (cell_tally::settle_score_keys), and
  // gives every unit its answer counts, with its waiting rows counted in. finalize works on
  // flushed tallies; merge needs only closed blocks (uncounted keys and rows move over as they
  // are).
  void flush() {
    close_block();
    for (auto& unit : units) {
      for (auto& cell : unit.groups) cell.settle_score_keys();
      unit_counts(unit);
    }
  }
  [[nodiscard]] bool flushed() const {
    if (!block_closed()) return false;
    for (const auto& unit : units) {
      if (!unit.pending_rows.empty() || unit.option_counts.size() != answer_count_size()) return false;
      for (const auto& cell : unit.groups)
        if (!cell.score_keys_settled()) return false;
    }
    return true;
  }

  // A unit's answer counts (unit_tally::option_counts), made when it has none yet, with its
  // waiting rows counted in.
  std::int64_t* unit_counts(unit_tally& unit) {
    if (unit.option_counts.empty()) unit.option_counts.assign(answer_count_size(), 0);
    if (!unit.pending_rows.empty()) {
      unit.pending_rows.count_into(unit.option_counts.data(), items, code_rows);
      unit.pending_rows = detail::pending_answer_rows{};  // its storage too: a unit with counts keeps no rows
    }
    return unit.option_counts.data();
  }
  // Counts a unit's waiting rows once they take half the room its counts would: a unit of many
  // ballots then has its counts, as it would without the rows.
  void count_rows_if_many(unit_tally& unit) {
    if (unit.pending_rows.bytes() * 2 >= answer_count_size() * sizeof(std::int64_t)) unit_counts(unit);
  }
  [[nodiscard]] std::size_t answer_count_size() const noexcept { return items * code_rows; }
  // About the bytes the tally holds once its units' cells have been given rows: each cell with
  // its score sums and one stratum, and each unit's answer counts; not the score keys and tables,
  // which grow with the rows (a segment's tally holds few). For 5,000 units of 9 groups, 30 items
  // and one score column with sampling weights: 35 MB, of the 38 MB that one tally fewer in
  // flight saved, with the allocations' overhead and score keys (bench/RESULTS.md, twenty-fourth
  // round). In constant time: what a segment's tally costs while it waits.
  [[nodiscard]] std::size_t approximate_bytes() const noexcept {
    const std::size_t per_column = sizeof(score_sums) + sizeof(block_partial::column) + sizeof(stats::moments) +
                                   sizeof(stats::moment_block) + (sampling_weights ? sizeof(stats::co_moments) : 0);
    // One score column lives inside the cell (and its one stratum); more go to the heap, all.
    const std::size_t per_cell = sizeof(cell_tally) + (score_columns > 1 ? score_columns * per_column : 0) +
                                 sizeof(detail::pending_answer_counts);
    const std::size_t per_unit = sizeof(unit_tally) + groups * per_cell + answer_count_size() * sizeof(std::int64_t);
    return units.size() * per_unit;
  }
  [[nodiscard]] bool block_closed() const { return open_cells.empty() && !answers_pending; }

  [[nodiscard]] std::int64_t valid() const { return sum([](const cell_tally& c) { return c.valid; }); }
  [[nodiscard]] std::int64_t void_ballots() const {
    return sum([](const cell_tally& c) { return c.void_ballots; });
  }
  [[nodiscard]] std::int64_t rejected() const {
    std::int64_t total = 0;
    for (const auto& [code, count] : rejected_by_reason) total += count;
    return total;
  }

  // Unit id -> position in `units` (the first, should an id be there twice), kept by unit_slot,
  // which rebuilds it when the number of units differs (units added or removed without it);
  // reordering or renaming units in place goes unnoticed. A search through `units` made each
  // batch, and each merge, quadratic in the number of units: 0.2 s a batch with 10,000 units.
  std::unordered_map<std::string, std::size_t> unit_index;

  // Index of the unit with this id, creating an empty one if it is new.
  std::size_t unit_slot(const std::string& id) {
    if (unit_index.size() != units.size()) {
      unit_index.clear();
      for (std::size_t u = 0; u < units.size(); ++u) unit_index.emplace(units[u].id, u);
    }
    if (const auto found = unit_index.find(id); found != unit_index.end()) return found->second;
    unit_index.emplace(id, units.size());
    unit_tally fresh;
    fresh.id = id;
    fresh.groups.resize(groups);
    for (auto& cell : fresh.groups) {
      cell.scores.resize(score_columns);
    }
    fresh.pending_answers.resize(groups);
    units.push_back(std::move(fresh));
    return units.size() - 1;
  }

  // Slot of a stratum id of the layout's stratum column, created when new. Looked up by index,
  // rebuilt when stratum_ids was filled from elsewhere: each batch and each merge maps all its
  // strata, and a scan of the ids for each was quadratic (2,000 strata: 150 M instructions of
  // string compares on 20,000 rows).
  std::unordered_map<std::string, std::size_t> stratum_index;
  std::size_t stratum_slot(const std::string& id) {
    if (stratum_index.size() != stratum_ids.size()) {
      stratum_index.clear();
      for (std::size_t h = 0; h < stratum_ids.size(); ++h) stratum_index.emplace(stratum_ids[h], h);
    }
    if (const auto found = stratum_index.find(id); found != stratum_index.end()) return found->second;
    stratum_index.emplace(id, stratum_ids.size());
    stratum_ids.push_back(id);
    return stratum_ids.size() - 1;
  }

  // The id of a stratum slot.
  [[nodiscard]] std::string stratum_id(std::size_t slot, const instrument& def) const {
    return strata_are_groups ? def.groups[slot].id : stratum_ids[slot];
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
  const instrument& def = *plan.definition;
  t.strata_are_groups = def.columns.stratum.empty();
  t.sampling_weights = !def.columns.weight.empty();
  if (def.statistics.reliability) {
    // Column 0: every item with a weight; column d + 1: the items of dimension d.
    t.reliability_items.resize(t.score_columns);
    for (std::size_t j = 0; j < plan.item_count(); ++j) {
      if (!(plan.items[j].weight > 0.0)) continue;
      t.reliability_items[0].push_back(j);
      if (plan.items[j].dimension > 0) t.reliability_items[plan.items[j].dimension].push_back(j);
    }
    t.reliability.resize(t.groups);
    for (auto& group : t.reliability) {
      group.pairs.resize(t.score_columns);
      group.respondents.assign(t.score_columns, 0);
      for (std::size_t s = 0; s < t.score_columns; ++s) {
        const std::size_t k = t.reliability_items[s].size();
        group.pairs[s].assign(k * k * t.code_rows * t.code_rows, 0);
      }
    }
  }
  if (plan.formulas) {
    t.void_by_reason.assign(2 + plan.formulas->checks.size(), 0);
    t.division_by_zero.assign(plan.counted_formulas(), 0);
    t.check_failed.assign(plan.formulas->checks.size(), 0);
  }
  for (const auto& unit : def.units) t.unit_slot(unit.id);
  return t;
}

namespace detail {

// A cell's rows within one block, when the strata are the groups (one stratum a cell): column
// by column, each column's sums in registers over the rows.
inline void add_run_one_stratum(cell_tally& cell, std::size_t group, std::span<const std::uint32_t> run,
                                const response_batch& batch, const score_batch& scored, bool pairs) {
  const std::size_t columns = cell.scores.size();
  stratum_cell& stratum = cell.stratum_slot(group, columns, pairs);
  for (std::size_t s = 0; s < columns; ++s) {
    const auto col = static_cast<Eigen::Index>(s);
    block_partial::column sums = cell.pending.columns[s];
    stats::moment_block moments = stratum.pending[s];
    std::int64_t scored_rows = 0;
    for (const std::uint32_t row : run) {
      if (!scored.has_score(row, col)) continue;
      const double x = scored.score(row, col), w = batch.weight(row);
      ++scored_rows;
      sums.add(x, w);
      moments.add(x, w, pairs);
    }
    cell.scores[s].n += scored_rows;
    cell.pending.columns[s] = sums;
    stratum.pending[s] = moments;
  }
}

// A cell's rows within one block, with the strata of the layout's stratum column: row by row.
inline void add_run_by_stratum(cell_tally& cell, std::span<const std::uint32_t> run, const response_batch& batch,
                               const score_batch& scored, const std::vector<std::size_t>& stratum_slot,
                               bool pairs) {
  const std::size_t columns = cell.scores.size();
  for (const std::uint32_t row : run) {
    const auto i = static_cast<Eigen::Index>(row);
    stratum_cell& stratum = cell.stratum_slot(stratum_slot[static_cast<std::size_t>(batch.stratum(i))], columns, pairs);
    const double w = batch.weight(i);
    for (std::size_t s = 0; s < columns; ++s) {
      const auto col = static_cast<Eigen::Index>(s);
      if (!scored.has_score(i, col)) continue;
      const double x = scored.score(i, col);
      ++cell.scores[s].n;
      cell.pending.columns[s].add(x, w);
      stratum.pending[s].add(x, w, pairs);
    }
  }
}

// accumulate's second pass: the scores of a batch's valid rows, cell by cell, each cell's rows
// in row order. Adding them row by row visited the 198 cells of the bench pool in turn, with
// about ten cache lines of state each (sums, moments, keys): a sixth of a run's time. Block
// edges still fall every block_rows rows (valid or not, counted from the tally's last close:
// into.rows_since_close), and a cell closes its block, or folds its moments, at the first of its
// rows past an edge, or when the tally closes. So every cell's sums see the same rows in the same
// blocks and folds, in the same order, as they did row by row: the same operations on the same
// values. Only the order in which different cells are updated changes, and cells share no sums.
// A cell crosses the edges after its last row only when it is next given rows (or the tally
// closes), not at the end of each batch: a batch then costs what its own cells cost. Settling
// every open cell at the end of each batch visited each of them again, a cache miss apiece: with
// 5,000 units (45,000 cells, thousands open) that was a tenth of a run.
inline void add_valid_rows(tally& into, const response_batch& batch, const score_batch& scored,
                           const cell_rows& valid, const std::vector<std::size_t>& stratum_slot) {
  const std::int64_t rows_before = into.rows_since_close;
  // The block of batch row i, and the fold period of a block, counted from the tally's last close.
  const auto block_of = [&](std::int64_t row) { return (rows_before + row) / block_rows; };
  const auto fold_of = [](std::int64_t block) { return block / moment_fold_blocks; };
  const bool pairs = into.sampling_weights;

  for (const std::uint32_t c : valid.cells()) {
    const std::size_t u = c / into.groups, g = c % into.groups;
    cell_tally& cell = into.units[u].groups[g];
    if (!cell.listed) {
      cell.listed = true;
      into.open_cells.emplace_back(u, g);
    }
    const std::span<const std::uint32_t> rows = valid.rows(c);
    for (std::size_t first = 0; first < rows.size();) {
      // The cell's rows in one block: rows[first, last).
      const std::int64_t b = block_of(rows[first]);
      std::size_t last = first + 1;
      while (last < rows.size() && block_of(rows[last]) == b) ++last;
      const std::span<const std::uint32_t> run = rows.subspan(first, last - first);
      first = last;
      // What the edges since the cell's open block would have done to it row by row.
      if (cell.open_block < b) cell.close_block();
      if (cell.moments_open && fold_of(cell.open_block) != fold_of(b)) cell.fold_moments();
      cell.open_block = b;
      block_partial& p = cell.pending;
      if (!p.active) {
        p.active = true;
        p.weight = 0.0;
        p.columns.assign(into.score_columns, block_partial::column{});
      }
      cell.moments_open = true;
      cell.valid += static_cast<std::int64_t>(run.size());
      for (const std::uint32_t row : run) p.weight += batch.weight(row);
      if (into.strata_are_groups)
        add_run_one_stratum(cell, g, run, batch, scored, pairs);
      else
        add_run_by_stratum(cell, run, batch, scored, stratum_slot, pairs);
      for (const std::uint32_t row : run)
        if (scored.has_score(row, 0)) cell.add_score_key(stats::grid_key(scored.score(row, 0)));
    }
  }
  into.rows_since_close = rows_before + batch.rows();
}

}  // namespace detail

// Adds one scored batch to the tally.
inline void accumulate(tally& into, const scoring_plan& plan, const response_batch& batch,
                       const score_batch& scored) {
  if (into.fingerprint != plan.fingerprint)
    throw std::invalid_argument("qscore::accumulate: tally and plan come from different definitions");
  // Batch unit indices -> tally unit slots, for the units the batch's rows and rejections name,
  // in the order of the batch's unit ids (the order units first appeared). A batch carries every
  // unit id its builder knows (all the declared ones), so looking up each of them cost a batch
  // of a survey of 10,000 units 10,000 lookups, whatever its rows.
  constexpr std::size_t unused = std::numeric_limits<std::size_t>::max();
  std::vector<std::size_t> slot(batch.unit_ids.size(), unused);
  for (Eigen::Index i = 0; i < batch.rows(); ++i) slot[static_cast<std::size_t>(batch.unit(i))] = 0;
  for (const row_rejection& r : batch.rejected)
    if (r.unit >= 0) slot[static_cast<std::size_t>(r.unit)] = 0;
  // Where each batch unit was found last time, on this thread (at first: at its own index, as in
  // a tally fed by one reader, which lists units as the reader's dictionary does): a guess,
  // checked by one id compare, that spares most hash look-ups. The batches of one reader share
  // its dictionary, and a segment's tally keeps its place for each unit from batch to batch, even
  // recycled (tally::reset keeps units). The look-ups were 3 % of a one-thread run of 800,000
  // rows over 5,000 units, 1 % with the guess.
  thread_local std::vector<std::size_t> last_slot;
  for (std::size_t u = last_slot.size(); u < slot.size(); ++u) last_slot.push_back(u);
  for (std::size_t u = 0; u < slot.size(); ++u) {
    if (slot[u] == unused) continue;
    std::size_t& guess = last_slot[u];
    if (guess >= into.units.size() || into.units[guess].id != batch.unit_ids[u]) guess = into.unit_slot(batch.unit_ids[u]);
    slot[u] = guess;
  }
  // Batch stratum indices -> tally stratum slots (strata are the groups unless the layout names
  // a stratum column).
  std::vector<std::size_t> stratum_slot;
  if (!into.strata_are_groups) {
    if (batch.stratum.size() != batch.rows())
      throw std::invalid_argument("qscore::accumulate: the layout names a stratum column but the batch has no strata");
    stratum_slot.resize(batch.stratum_ids.size());
    for (std::size_t h = 0; h < batch.stratum_ids.size(); ++h)
      stratum_slot[h] = into.stratum_slot(batch.stratum_ids[h]);
  }

  const std::size_t columns = into.score_columns;
  const bool with_formulas = !into.void_by_reason.empty();
  std::vector<row_rejection> failed_checks;  // rows a check rejected, in row order
  // First pass, in row order: rejected and void ballots, the reliability pairs of valid ones,
  // and each valid row's cell. Then the scores, and the answer counts, are added cell by cell.
  thread_local detail::cell_rows valid_rows;
  valid_rows.start(into.units.size() * into.groups, batch.rows());
  for (Eigen::Index i = 0; i < batch.rows(); ++i) {
    const std::size_t u = slot[static_cast<std::size_t>(batch.unit(i))];
    const auto g = static_cast<std::size_t>(batch.group(i));
    cell_tally& cell = into.units[u].groups[g];
    if (scored.status(i) == ballot_status::rejected) {
      failed_checks.push_back(check_rejection(plan, batch, scored, i));
    } else if (scored.status(i) == ballot_status::void_ballot) {
      ++cell.void_ballots;
      if (with_formulas) ++into.void_by_reason[static_cast<std::size_t>(scored.reason(i))];
    } else {
      valid_rows.add(static_cast<std::uint32_t>(u * into.groups + g), static_cast<std::uint32_t>(i));
      if (!into.reliability.empty()) {
        // Code pairs of the items of each scale (O(k²) per row; only when asked for).
        const std::size_t rows = into.code_rows;
        const bool listwise = plan.definition->statistics.reliability == missing_rule::listwise;
        for (std::size_t s = 0; s < columns; ++s) {
          const auto& items = into.reliability_items[s];
          const std::size_t n_items = items.size();
          if (n_items == 0) continue;
          std::size_t answered = 0;
          for (const std::size_t j : items)
            if (plan.answered_lut(batch.codes(i, static_cast<Eigen::Index>(j)), static_cast<Eigen::Index>(j)) != 0.0)
              ++answered;
          if (listwise ? answered < n_items : answered == 0) continue;
          ++into.reliability[g].respondents[s];
          std::int64_t* table = into.reliability[g].pairs[s].data();
          for (std::size_t a = 0; a < n_items; ++a) {
            const std::size_t ca = batch.codes(i, static_cast<Eigen::Index>(items[a]));
            for (std::size_t b = a; b < n_items; ++b) {
              const std::size_t cb = batch.codes(i, static_cast<Eigen::Index>(items[b]));
              ++table[((a * n_items + b) * rows + ca) * rows + cb];
            }
          }
        }
      }
    }
  }
  valid_rows.group();
  detail::add_valid_rows(into, batch, scored, valid_rows, stratum_slot);

  // The answer counts of the valid rows, from the same grouping by cell. Taken after the row
  // loop, item by item: the codes are stored column by column, and reading a row's 30 codes
  // touches 30 cache lines a batch apart. One counter per thread, kept from batch to batch: a
  // steady state allocates nothing.
  thread_local detail::batch_option_counts option_counts;
  // A unit without counts keeps the rows of a batch spread thin (detail::pending_answer_rows).
  // A unit with counts has no rows waiting (unit_counts counts them in when it makes the counts),
  // so its counts are taken as they are: unit_counts would read the rows' end, another cache
  // line of each of a batch's thousands of units (15 % of BM_score_and_tally_units/1000).
  const auto cell_counts = [&](std::uint32_t c, bool spread) {
    unit_tally& unit = into.units[c / into.groups];
    std::int64_t* counts = nullptr;
    if (!unit.option_counts.empty())
      counts = unit.option_counts.data();
    else if (!spread)
      counts = into.unit_counts(unit);
    return detail::batch_option_counts::cell_counts{counts, &unit.pending_answers[c % into.groups], &unit.pending_rows};
  };
  if (option_counts.count(batch, into.items, into.code_rows, valid_rows, cell_counts)) into.answers_pending = true;
  for (const std::uint32_t c : valid_rows.cells())
    if (unit_tally& unit = into.units[c / into.groups]; unit.option_counts.empty()) into.count_rows_if_many(unit);

  into.rows_read += batch.rows_read();
  for (std::size_t f = 0; f < scored.division_by_zero.size() && f < into.division_by_zero.size(); ++f)
    into.division_by_zero[f] += scored.division_by_zero[f];
  for (std::size_t c = 0; c < scored.check_failed.size() && c < into.check_failed.size(); ++c)
    into.check_failed[c] += scored.check_failed[c];
  const auto take = [&](const row_rejection& r) {
    ++into.rejected_by_reason[r.code];
    if (r.unit >= 0)
      ++into.units[slot[static_cast<std::size_t>(r.unit)]].rejected;
    else
      ++into.rejected_without_unit;
    if (into.rejection_samples.size() < kept_rejections) into.rejection_samples.push_back(r);
  };
  // The reader's rejections and the checks' in line order (both lists are), so that the kept
  // samples do not depend on where batches were cut.
  std::size_t c = 0;
  for (const auto& r : batch.rejected) {
    while (c < failed_checks.size() && failed_checks[c].line < r.line) take(failed_checks[c++]);
    take(r);
  }
  while (c < failed_checks.size()) take(failed_checks[c++]);
}

// Merges `from` into `into`. Integer counts merge exactly; sums are compensated. Units new to
// `into` are appended in `from`'s order. Refuses tallies of different definitions. Merging the
// tallies of consecutive parts in their order equals one pass when each part but the last
// holds a whole number of blocks (block_rows accepted rows) for the means, and of folds
// (moment_fold_blocks blocks) for the second moments too.
inline void merge(tally& into, const tally& from_in) {
  if (into.fingerprint != from_in.fingerprint)
    throw std::invalid_argument("qscore::merge: tallies come from different definitions");
  // Both sides' open blocks close before merging, so `into` continues with a fresh block.
  // Uncounted grid keys need no flush: they move over uncounted (cell_tally::merge).
  into.close_block();
  tally closed_copy;
  if (!from_in.block_closed()) {
    closed_copy = from_in;
    closed_copy.close_block();
  }
  const tally& from = from_in.block_closed() ? from_in : closed_copy;
  std::vector<std::size_t> slot_map;
  if (from.strata_are_groups) {
    for (std::size_t g = 0; g < from.groups; ++g) slot_map.push_back(g);
  } else {
    for (const auto& id : from.stratum_ids) slot_map.push_back(into.stratum_slot(id));
  }
  for (std::size_t i = 0; i < from.units.size(); ++i) {
    const unit_tally& unit = from.units[i];
    // A unit at the same place in both is taken without a hash look-up: a tally recycled at one
    // thread lists its units as the file's tally does (each new one appended to both in turn).
    // The look-ups were 1.5 % of a one-thread run of 4M rows over 5,000 units. (A tally holds
    // each id once when its units come from unit_slot, as they do here.)
    unit_tally& target = into.units[i < into.units.size() && into.units[i].id == unit.id ? i : into.unit_slot(unit.id)];
    target.rejected += unit.rejected;
    for (std::size_t g = 0; g < unit.groups.size(); ++g)
      target.groups[g].merge(unit.groups[g], slot_map, into.sampling_weights);
    if (!unit.option_counts.empty()) {
      std::int64_t* const counts = into.unit_counts(target);
      for (std::size_t c = 0; c < unit.option_counts.size(); ++c) counts[c] += unit.option_counts[c];
    }
    if (!unit.pending_rows.empty()) {
      if (!target.option_counts.empty()) {
        unit.pending_rows.count_into(target.option_counts.data(), into.items, into.code_rows);
      } else {
        target.pending_rows.append(unit.pending_rows);
        into.count_rows_if_many(target);
      }
    }
  }
  for (std::size_t g = 0; g < from.reliability.size() && g < into.reliability.size(); ++g)
    for (std::size_t s = 0; s < from.reliability[g].pairs.size(); ++s) {
      into.reliability[g].respondents[s] += from.reliability[g].respondents[s];
      for (std::size_t c = 0; c < from.reliability[g].pairs[s].size(); ++c)
        into.reliability[g].pairs[s][c] += from.reliability[g].pairs[s][c];
    }
  const auto add_counts = [](std::vector<std::int64_t>& to, const std::vector<std::int64_t>& more) {
    for (std::size_t i = 0; i < more.size() && i < to.size(); ++i) to[i] += more[i];
  };
  add_counts(into.void_by_reason, from.void_by_reason);
  add_counts(into.division_by_zero, from.division_by_zero);
  add_counts(into.check_failed, from.check_failed);
  into.rows_read += from.rows_read;
  into.rejected_without_unit += from.rejected_without_unit;
  for (const auto& [code, count] : from.rejected_by_reason) into.rejected_by_reason[code] += count;
  for (const auto& r : from.rejection_samples) {
    if (into.rejection_samples.size() >= kept_rejections) break;
    into.rejection_samples.push_back(r);
  }
}

}  // namespace qscore
