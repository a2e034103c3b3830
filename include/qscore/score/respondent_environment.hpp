// The names a respondent-level formula sees while the scorer works on one tile of rows: views of
// the scorer's own arrays (no copies of the points), one column per name.
//   item id        points earned (work.points column); missing where blank or a non-answer
//   dimension id   the respondent's dimension score (score column); missing where it has none
//   answered       the number of items answered (never missing)
//   derived name   the derived formula's value (its score column); missing where it has none
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "qscore/expr/evaluate.hpp"
#include "qscore/plan/scoring_plan.hpp"

namespace qscore::detail {

class respondent_environment final : public expr::environment {
 public:
  enum class kind : unsigned char { item, score_column, answered };

  explicit respondent_environment(const scoring_plan& plan) {
    for (std::size_t j = 0; j < plan.items.size(); ++j) names_.emplace(plan.items[j].id, slot{kind::item, j});
    for (std::size_t d = 0; d < plan.dimensions.size(); ++d)
      names_.emplace(plan.dimensions[d].id, slot{kind::score_column, d + 1});
    if (plan.formulas) {
      const auto& derived = plan.formulas->derived.formulas;
      for (std::size_t f = 0; f < derived.size(); ++f)
        names_.emplace(derived[f].name, slot{kind::score_column, plan.item_score_columns() + f});
    }
    names_.emplace("answered", slot{kind::answered, 0});
  }

  // Points at the current tile: `rows` rows; item columns of `points` / `item_missing` (tile
  // rows from row 0, columns stride points.rows()); score columns of `scores` / `score_missing`
  // from row `first`. `score_missing` holds tile rows from row 0.
  void bind(Eigen::Index rows, const Eigen::MatrixXd& points,
            const Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic>& item_missing, const Eigen::MatrixXd& scores,
            const Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic>& score_missing, Eigen::Index first,
            const Eigen::ArrayXd& answered) {
    rows_ = rows;
    points_ = &points;
    item_missing_ = &item_missing;
    scores_ = &scores;
    score_missing_ = &score_missing;
    first_ = first;
    answered_ = &answered;
  }

  [[nodiscard]] Eigen::Index rows() const override { return rows_; }

  [[nodiscard]] std::optional<expr::column_view> find(std::string_view name) const override {
    const auto it = names_.find(name);
    if (it == names_.end()) return std::nullopt;
    const auto c = static_cast<Eigen::Index>(it->second.index);
    switch (it->second.what) {
      case kind::item: return expr::column_view{points_->col(c).data(), item_missing_->col(c).data()};
      case kind::score_column:
        return expr::column_view{scores_->col(c).data() + first_, score_missing_->col(c).data()};
      case kind::answered: return expr::column_view{answered_->data(), nullptr};
    }
    return std::nullopt;
  }

 private:
  struct slot {
    kind what = kind::item;
    std::size_t index = 0;
  };
  std::unordered_map<std::string_view, slot> names_;  // views of the plan's strings
  Eigen::Index rows_ = 0;
  const Eigen::MatrixXd* points_ = nullptr;
  const Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic>* item_missing_ = nullptr;
  const Eigen::MatrixXd* scores_ = nullptr;
  const Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic>* score_missing_ = nullptr;
  Eigen::Index first_ = 0;
  const Eigen::ArrayXd* answered_ = nullptr;
};

}  // namespace qscore::detail
