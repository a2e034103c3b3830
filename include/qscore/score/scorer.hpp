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
#include <cstdint>

#include "qscore/data/response_batch.hpp"
#include "qscore/plan/scoring_plan.hpp"

namespace qscore {

enum class ballot_status : std::uint8_t { valid = 0, void_ballot = 1 };

struct score_batch {
  Eigen::MatrixXd score;                         // N x S
  Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic> has_score;  // N x S
  Eigen::VectorXi answered;                      // N: items answered (non-answers excluded)
  Eigen::Array<ballot_status, Eigen::Dynamic, 1> status;  // N
};

// Work arrays reused across batches so that scoring allocates nothing in steady state.
struct score_workspace {
  Eigen::MatrixXd points;    // N x K
  Eigen::MatrixXd answered;  // N x K, 0/1
  Eigen::MatrixXd numerator;
  Eigen::MatrixXd denominator;
};

inline void score(const scoring_plan& plan, const response_batch& batch, score_batch& out,
                  score_workspace& work) {
  const Eigen::Index n = batch.rows();
  const auto k = static_cast<Eigen::Index>(plan.item_count());
  const auto s = static_cast<Eigen::Index>(plan.score_columns());
  out.score.resize(n, s);
  out.has_score.resize(n, s);
  out.answered.resize(n);
  out.status.resize(n);
  // Rows are scored in tiles small enough that the points and answered matrices of a tile stay
  // in cache: the cost per row does not grow with the batch.
  constexpr Eigen::Index tile_rows = 256;
  work.points.resize(std::min(n, tile_rows), k);
  work.answered.resize(std::min(n, tile_rows), k);
  const double needed = plan.definition->ballot.min_answered * static_cast<double>(k);

  for (Eigen::Index first = 0; first < n; first += tile_rows) {
    const Eigen::Index m = std::min(tile_rows, n - first);
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

    out.has_score.middleRows(first, m) = work.denominator.array() > 0.0;
    out.score.middleRows(first, m) =
        (work.denominator.array() > 0.0)
            .select(work.numerator.array() / work.denominator.array(), 0.0)
            .matrix();
    out.answered.segment(first, m) = answered.rowwise().sum().cast<int>();

    // Ballot rule: void when fewer than min_answered * K items are answered, or none at all.
    for (Eigen::Index i = first; i < first + m; ++i) {
      const bool is_void = out.answered(i) == 0 || static_cast<double>(out.answered(i)) < needed;
      out.status(i) = is_void ? ballot_status::void_ballot : ballot_status::valid;
    }
  }
}

[[nodiscard]] inline score_batch score(const scoring_plan& plan, const response_batch& batch) {
  score_batch out;
  score_workspace work;
  score(plan, batch, out, work);
  return out;
}

}  // namespace qscore
