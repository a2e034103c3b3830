// Shared by the benchmarks: the pool definition of bench/pool.yaml and random batches for it.
#pragma once

#include <cstdint>
#include <string>

#include "qscore/data/batch_builder.hpp"
#include "qscore/definition/load.hpp"
#include "qscore/plan/scoring_plan.hpp"

namespace qscore::bench {

inline const scoring_plan& pool_plan() {
  static const scoring_plan plan = [] {
    auto loaded = load_definition(QSCORE_SOURCE_DIR "/bench/pool.yaml");
    return compile(loaded.value().definition).value();
  }();
  return plan;
}

// The pool's shape with k items instead of 30: 9 groups, 22 units, the same scale and weights.
inline scoring_plan plan_with_items(int k) {
  instrument def = pool_plan().definition ? *pool_plan().definition : instrument{};
  def.items.clear();
  for (int j = 1; j <= k; ++j) {
    questionnaire_item item;
    item.id = "q" + std::to_string(j);
    item.scale = def.scales.front().id;
    item.weight = 1 + j % 3;
    def.items.push_back(item);
  }
  return compile(def).value();
}

// The pool's shape with n units instead of 22 (ids u1 .. un, no labels): a customer survey of
// many stores, a course evaluation of many courses.
inline scoring_plan plan_with_units(int n) {
  instrument def = pool_plan().definition ? *pool_plan().definition : instrument{};
  def.units.clear();
  for (int u = 1; u <= n; ++u) def.units.push_back({"u" + std::to_string(u), {}});
  return compile(def).value();
}

// A batch of n respondents with codes 1..4 (4 = don't know) and ~3% blanks, drawn by a fixed
// linear congruential sequence: the same batch in every run.
inline response_batch random_batch(const scoring_plan& plan, Eigen::Index n, std::uint64_t seed = 1) {
  batch_builder builder(plan, n);
  std::vector<answer_code> codes(plan.item_count());
  std::uint64_t x = seed;
  auto next = [&x] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::uint32_t>(x >> 33);
  };
  const int units = static_cast<int>(plan.definition->units.size());
  const int groups = static_cast<int>(plan.group_count());
  for (Eigen::Index i = 0; i < n; ++i) {
    for (auto& c : codes) c = next() % 100 < 3 ? blank_code : static_cast<answer_code>(1 + next() % 4);
    const double weight = 0.8 + static_cast<double>(next() % 401) / 1000.0;
    builder.add_coded_row(static_cast<int>(next() % static_cast<std::uint32_t>(groups)),
                          static_cast<int>(next() % static_cast<std::uint32_t>(units)), codes, weight);
  }
  return builder.take();
}

}  // namespace qscore::bench
