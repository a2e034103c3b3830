// The scorer's formula step, run on each tile of rows after the item scores (score/scorer.hpp):
// derived scores into their score columns, then ballot.valid_if, then the consistency checks.
// Every formula is evaluated over the whole tile at once (expr/evaluate.hpp); only the ballot
// status is then set row by row.
//
// Outcome of a row, in this order of precedence:
//   rejected  some check with action reject failed (the first such check, in definition order,
//             names the rejection);
//   void      too few items answered (min_answered, or none), else valid_if false or missing,
//             else some check with action void failed (the first, in definition order);
//   valid     otherwise. Checks with action flag only count.
// A check fails where its rule is false (0); where the rule is missing, the row passes.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "qscore/expr/evaluate.hpp"
#include "qscore/plan/scoring_plan.hpp"
#include "qscore/score/respondent_environment.hpp"

namespace qscore {

struct score_batch;

namespace detail {

struct formula_workspace {
  Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic> item_missing;   // tile x K
  Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic> score_missing;  // tile x S
  Eigen::ArrayXd answered;                                           // tile
  const scoring_plan* plan = nullptr;                                // the plan `names` is for
  std::optional<respondent_environment> names;
};

// Defined in score/impl/respondent_formulas_inl.hpp (included by score/scorer.hpp), where
// score_batch is complete.
inline void score_formulas(const scoring_plan& plan, Eigen::Index first, Eigen::Index m, score_batch& out,
                           const Eigen::MatrixXd& points, const Eigen::MatrixXd& answered,
                           formula_workspace& work);

}  // namespace detail
}  // namespace qscore
