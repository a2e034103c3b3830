// detail::score_formulas(): definitions. Included by score/scorer.hpp.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>

#include "qscore/expr/evaluate.hpp"
#include "qscore/score/respondent_formulas.hpp"
#include "qscore/score/scorer.hpp"

namespace qscore::detail {

inline void score_formulas(const scoring_plan& plan, Eigen::Index first, Eigen::Index m, score_batch& out,
                           const Eigen::MatrixXd& points, const Eigen::MatrixXd& answered,
                           formula_workspace& work) {
  const respondent_formulas& formulas = *plan.formulas;
  const auto item_columns = static_cast<Eigen::Index>(plan.item_score_columns());
  const auto columns = static_cast<Eigen::Index>(plan.score_columns());
  work.item_missing = answered.topRows(m).array() == 0.0;
  work.score_missing.resize(m, columns);
  work.score_missing.leftCols(item_columns) = !out.has_score.block(first, 0, m, item_columns);
  work.score_missing.rightCols(columns - item_columns).setConstant(true);
  work.answered = out.answered.segment(first, m).cast<double>().array();
  if (!work.names || work.plan != &plan) {
    work.names.emplace(plan);
    work.plan = &plan;
  }
  work.names->bind(m, points, work.item_missing, out.score, work.score_missing, first, work.answered);

  // A checked plan's formulas always evaluate; should one not, its value is missing everywhere
  // (never an exception from the scorer).
  const auto missing_everywhere = [m] {
    expr::evaluation none;
    none.value.values = Eigen::ArrayXd::Zero(m);
    none.value.missing = expr::mask::Constant(m, true);
    return none;
  };
  std::size_t counted = 0;

  // Derived scores: into score columns 1 + D + f, in evaluation order.
  const std::size_t derived_count = formulas.derived.formulas.size();
  if (derived_count > 0) {
    result<std::vector<expr::evaluation>> derived =
        expr::evaluate_formulas(formulas.derived, expr::formula_level::respondent, *work.names);
    for (std::size_t f = 0; f < derived_count; ++f) {
      const expr::evaluation value = derived ? (*derived)[f] : missing_everywhere();
      const Eigen::Index col = item_columns + static_cast<Eigen::Index>(f);
      out.score.col(col).segment(first, m) = value.value.values.matrix();
      out.has_score.col(col).segment(first, m) = !value.value.missing;
      work.score_missing.col(col) = value.value.missing;
      out.division_by_zero[counted++] += value.division_by_zero;
    }
  }

  const auto run = [&](const expr::expression& tree) {
    result<expr::evaluation> r = expr::evaluate(tree, *work.names);
    return r ? std::move(r).value() : missing_everywhere();
  };

  if (formulas.valid_if) {
    const expr::evaluation valid = run(*formulas.valid_if);
    out.division_by_zero[counted++] += valid.division_by_zero;
    for (Eigen::Index i = 0; i < m; ++i) {
      if (out.status(first + i) != ballot_status::valid) continue;
      if (valid.value.missing(i) || valid.value.values(i) == 0.0) {
        out.status(first + i) = ballot_status::void_ballot;
        out.reason(first + i) = reason_valid_if;
      }
    }
  }

  for (std::size_t c = 0; c < formulas.checks.size(); ++c) {
    const expr::evaluation rule = run(formulas.checks[c]);
    out.division_by_zero[counted++] += rule.division_by_zero;
    const expr::mask failed = !rule.value.missing && rule.value.values == 0.0;
    out.check_failed[c] += static_cast<std::int64_t>(failed.count());
    const check_action action = plan.definition->checks[c].action;
    if (action == check_action::flag) continue;
    const auto reason = reason_first_check + static_cast<std::int32_t>(c);
    for (Eigen::Index i = 0; i < m; ++i) {
      if (!failed(i)) continue;
      ballot_status& status = out.status(first + i);
      if (action == check_action::reject && status != ballot_status::rejected) {
        status = ballot_status::rejected;
        out.reason(first + i) = reason;
      } else if (action == check_action::void_ballot && status == ballot_status::valid) {
        status = ballot_status::void_ballot;
        out.reason(first + i) = reason;
      }
    }
  }
}

}  // namespace qscore::detail
