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
  work.points.resize(n, k);
  work.answered.resize(n, k);
  // Codes -> points and answered flags, one item column at a time (contiguous in both).
  for (Eigen::Index j = 0; j < k; ++j) {
    const double* points = &plan.points_lut(0, j);
    const double* answered = &plan.answered_lut(0, j);
    const answer_code* codes = batch.codes.col(j).data();
    double* p_out = work.points.col(j).data();
    double* a_out = work.answered.col(j).data();
    for (Eigen::Index i = 0; i < n; ++i) {
      p_out[i] = points[codes[i]];
      a_out[i] = answered[codes[i]];
    }
  }
  // Weighted sums over the item axis for every score column at once.
  work.numerator.noalias() = work.points * plan.weights;
  work.denominator.noalias() = work.answered * plan.weights;

  out.has_score = work.denominator.array() > 0.0;
  out.score = out.has_score.select(work.numerator.array() / work.denominator.array(), 0.0).matrix();
  out.answered = work.answered.rowwise().sum().cast<int>();

  // Ballot rule: void when fewer than min_answered * K items are answered, or none at all.
  const double needed = plan.definition->ballot.min_answered * static_cast<double>(k);
  out.status.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto answered_items = static_cast<double>(out.answered(i));
    const bool is_void = out.answered(i) == 0 || answered_items < needed;
    out.status(i) = is_void ? ballot_status::void_ballot : ballot_status::valid;
  }
}

[[nodiscard]] inline score_batch score(const scoring_plan& plan, const response_batch& batch) {
  score_batch out;
  score_workspace work;
  score(plan, batch, out, work);
  return out;
}

}  // namespace qscore
