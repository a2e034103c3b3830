// Scoring a batch: codes -> points through the plan's lookup tables, an "answered" mask, and
// weighted sums over the item axis as matrix products. Pure: no I/O, no state, thread-safe.
//
// For respondent i and score column s (0 = whole questionnaire, d = dimension d):
//   score(i, s) = 100-scale  sum_j w_js * p_ij * a_ij  /  sum_j w_js * a_ij
// where p_ij are the points of i's answer to item j and a_ij is 1 when that answer counts
// (not blank, not a non-answer such as "don't know"). A column with no answered item has no
// score: has_score(i, s) is false and score(i, s) is 0, never NaN.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "qscore/data/response_batch.hpp"
#include "qscore/plan/scoring_plan.hpp"
#include "qscore/score/impl/packed_kernel_avx2.hpp"
#include "qscore/score/respondent_formulas.hpp"

namespace qscore {

// rejected: a consistency check with action reject failed (README, "Formulas in the
// definition"); the row is counted as rejected (R220), not as a ballot.
enum class ballot_status : std::uint8_t { valid = 0, void_ballot = 1, rejected = 2 };

// Why a row is void or rejected (score_batch::reason).
inline constexpr std::int32_t reason_min_answered = 0;  // void: too few items answered
inline constexpr std::int32_t reason_valid_if = 1;      // void: ballot.valid_if false or missing
inline constexpr std::int32_t reason_first_check = 2;   // void or rejected: check c is 2 + c

struct score_batch {
  Eigen::MatrixXd score;                         // N x S (S = plan.score_columns())
  Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic> has_score;  // N x S
  Eigen::VectorXi answered;                      // N: items answered (non-answers excluded)
  Eigen::Array<ballot_status, Eigen::Dynamic, 1> status;  // N
  Eigen::Array<std::int32_t, Eigen::Dynamic, 1> reason;   // N: reason_* for void and rejected rows
  // Per plan.counted_formulas(): rows of this batch where a division by zero made the formula
  // (part of it) missing. Empty without formulas.
  std::vector<std::int64_t> division_by_zero;
  // Per check of the definition: rows of this batch that failed it. Empty without checks.
  std::vector<std::int64_t> check_failed;
};

// Work arrays reused across batches so that scoring allocates nothing in steady state.
struct score_workspace {
  Eigen::MatrixXd points;    // N x K
  Eigen::MatrixXd answered;  // N x K, 0/1
  Eigen::MatrixXd numerator;
  Eigen::MatrixXd denominator;
  detail::formula_workspace formulas;  // used only when the plan has respondent formulas
};

namespace detail {

inline constexpr Eigen::Index score_tile_rows = 256;

// Rows [first, first + m) through the lookup tables and the weights as matrix products.
inline void score_tile(const scoring_plan& plan, const response_batch& batch, Eigen::Index first,
                       Eigen::Index m, score_batch& out, score_workspace& work) {
  const auto k = static_cast<Eigen::Index>(plan.item_count());
  const auto item_columns = static_cast<Eigen::Index>(plan.item_score_columns());
  work.points.resize(score_tile_rows, k);  // no reallocation after the first tile
  work.answered.resize(score_tile_rows, k);
  auto points = work.points.topRows(m);
  auto answered = work.answered.topRows(m);
  // Codes -> points and answered flags, one item column at a time.
  for (Eigen::Index j = 0; j < k; ++j) {
    const double* points_of = &plan.points_lut(0, j);
    const double* answered_of = &plan.answered_lut(0, j);
    const answer_code* codes = batch.codes.col(j).data() + first;
    double* p_out = points.col(j).data();
    double* a_out = answered.col(j).data();
    for (Eigen::Index i = 0; i < m; ++i) {
      p_out[i] = points_of[codes[i]];
      a_out[i] = answered_of[codes[i]];
    }
  }
  // Weighted sums over the item axis for every score column at once.
  work.numerator.noalias() = points * plan.weights;
  work.denominator.noalias() = answered * plan.weights;

  out.has_score.block(first, 0, m, item_columns) = work.denominator.array() > 0.0;
  out.score.block(first, 0, m, item_columns) =
      (work.denominator.array() > 0.0)
          .select(work.numerator.array() / work.denominator.array(), 0.0)
          .matrix();
  out.answered.segment(first, m) = answered.rowwise().sum().cast<int>();
}

// The same rows through the packed whole-number table: one load and one add per answer and
// score column, item column by item column into one sum per row. (Row by row, with the sum in
// a register, was as fast for the default batch, but item columns a multiple of 4 KB apart all
// fall in one cache set: a 65,536-row batch ran at a quarter of the speed.)
inline void score_tile_packed(const scoring_plan& plan, const response_batch& batch, Eigen::Index first,
                              Eigen::Index m, score_batch& out) {
  const auto k = static_cast<Eigen::Index>(plan.item_count());
  const auto item_columns = static_cast<Eigen::Index>(plan.item_score_columns());
  const auto code_rows = static_cast<std::size_t>(plan.code_rows);
  const Eigen::Index stride = batch.codes.rows();  // column-major: item j's codes are a column
  std::array<std::uint64_t, score_tile_rows> sums;
  for (Eigen::Index s = 0; s < item_columns; ++s) {
    std::fill_n(sums.begin(), m, std::uint64_t{0});
    const std::uint64_t* item_table = plan.packed.words.data() + static_cast<std::size_t>(s * k) * code_rows;
    Eigen::Index j = 0;
    for (; j + 1 < k; j += 2, item_table += 2 * code_rows) {  // two items per pass over the sums
      const answer_code* const a = batch.codes.data() + j * stride + first;
      const answer_code* const b = a + stride;
      const std::uint64_t* const next_table = item_table + code_rows;
      for (Eigen::Index i = 0; i < m; ++i) sums[static_cast<std::size_t>(i)] += item_table[a[i]] + next_table[b[i]];
    }
    if (j < k) {
      const answer_code* const a = batch.codes.data() + j * stride + first;
      for (Eigen::Index i = 0; i < m; ++i) sums[static_cast<std::size_t>(i)] += item_table[a[i]];
    }
    for (Eigen::Index i = 0; i < m; ++i) {
      const std::uint64_t sum = sums[static_cast<std::size_t>(i)];
      const std::int64_t weight = packed_points::weight_of(sum);
      out.has_score(first + i, s) = weight > 0;
      out.score(first + i, s) =
          weight > 0 ? static_cast<double>(packed_points::points_of(sum)) / static_cast<double>(weight) : 0.0;
      if (s == 0) out.answered(first + i) = static_cast<int>(packed_points::count_of(sum));
    }
  }
}

}  // namespace detail

inline void score(const scoring_plan& plan, const response_batch& batch, score_batch& out,
                  score_workspace& work) {
  const Eigen::Index n = batch.rows();
  const auto k = static_cast<Eigen::Index>(plan.item_count());
  const auto s = static_cast<Eigen::Index>(plan.score_columns());
  out.score.resize(n, s);
  out.has_score.resize(n, s);
  out.answered.resize(n);
  out.status.resize(n);
  out.reason.setConstant(n, reason_min_answered);
  out.division_by_zero.assign(plan.counted_formulas(), 0);
  out.check_failed.assign(plan.formulas ? plan.formulas->checks.size() : 0, 0);
  // Rows are scored in tiles small enough that the points and answered matrices of a tile stay
  // in cache: the cost per row does not grow with the batch.
  constexpr Eigen::Index tile_rows = detail::score_tile_rows;
  const double needed = plan.definition->ballot.min_answered * static_cast<double>(k);

  // Whole points and weights, and no formulas (they read the points matrix): the integer
  // kernel, bit-identical to the double one (plan/packed_points.hpp).
  const bool integer_kernel = plan.packed.usable() && !plan.formulas;
  const bool wide_kernel = integer_kernel && plan.packed.has_planes() && detail::avx2_available();
  for (Eigen::Index first = 0; first < n; first += tile_rows) {
    const Eigen::Index m = std::min(tile_rows, n - first);
    if (integer_kernel) {
      // Whole blocks of 32 rows through the AVX2 kernel where it runs, the rest as before.
      const Eigen::Index wide_rows =
          wide_kernel ? m / detail::avx2_kernel_rows * detail::avx2_kernel_rows : Eigen::Index{0};
#if QSCORE_HAS_AVX2
      if (wide_rows > 0) {
        const Eigen::Index blocks = wide_rows / detail::avx2_kernel_rows;
        if (plan.packed.byte_weights)
          detail::score_blocks_packed_avx2<true>(plan, batch, first, blocks, out);
        else
          detail::score_blocks_packed_avx2<false>(plan, batch, first, blocks, out);
      }
#endif
      if (wide_rows < m) detail::score_tile_packed(plan, batch, first + wide_rows, m - wide_rows, out);
    } else {
      detail::score_tile(plan, batch, first, m, out, work);
    }
    // Ballot rule: void when fewer than min_answered * K items are answered, or none at all.
    for (Eigen::Index i = first; i < first + m; ++i) {
      const bool is_void = out.answered(i) == 0 || static_cast<double>(out.answered(i)) < needed;
      out.status(i) = is_void ? ballot_status::void_ballot : ballot_status::valid;
    }
    // Derived scores, ballot.valid_if and the checks: whole-column evaluations over the tile.
    if (plan.formulas) detail::score_formulas(plan, first, m, out, work.points, work.answered, work.formulas);
  }
}

// The rejection of row i, which a consistency check rejected (scored.status(i) is rejected):
// R220 with the check's name and rule, at the row's line.
[[nodiscard]] inline row_rejection check_rejection(const scoring_plan& plan, const response_batch& batch,
                                                   const score_batch& scored, Eigen::Index i) {
  const auto c = static_cast<std::size_t>(scored.reason(i) - reason_first_check);
  row_rejection r;
  r.line = batch.lines.empty() ? 0 : batch.lines[static_cast<std::size_t>(i)];
  r.code = errc::check_failed;
  r.check = plan.definition->checks[c].name;
  r.expected = plan.definition->checks[c].rule.text;
  r.unit = batch.unit(i);
  return r;
}

[[nodiscard]] inline score_batch score(const scoring_plan& plan, const response_batch& batch) {
  score_batch out;
  score_workspace work;
  score(plan, batch, out, work);
  return out;
}

}  // namespace qscore

#include "qscore/score/impl/respondent_formulas_inl.hpp"
