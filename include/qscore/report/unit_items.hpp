// A unit's item results (answers, options, satisfaction rates, the points' statistics) from its
// answer counts. finalize makes them for every unit, or, with report_options::defer_items, leaves
// them to whoever writes the report: items_of() then makes one unit's items at a time, so that a
// report of many units never holds all of them (30 items of a 5,000-unit report were 100 MB of
// item results, against 6 MB of counts).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "qscore/plan/scoring_plan.hpp"
#include "qscore/report/privacy.hpp"
#include "qscore/report/report.hpp"
#include "qscore/stats/double_double.hpp"
#include "qscore/stats/histogram.hpp"
#include "qscore/stats/intervals.hpp"

namespace qscore {

// What a report with deferred items makes them from: the definition's items and each unit's
// answer counts, found by unit id (a program may reorder or filter the report's units). It owns
// copies, so the report outlives the plan and the tally it came from.
struct deferred_items {
  std::vector<item_plan> items;
  std::string language;               // of the labels
  std::size_t code_rows = 0;          // answer-count rows per item: blank, then each code
  std::vector<std::int64_t> counts;   // the u-th unit's item j, row c at (u * items.size() + j) * code_rows + c
  std::unordered_map<std::string, std::size_t> unit_position;  // unit id -> u

  // Appends a unit's answer counts (items.size() * code_rows of them).
  void add_unit(const std::string& id, const std::vector<std::int64_t>& unit_counts) {
    unit_position.emplace(id, counts.size() / (items.size() * code_rows));
    counts.insert(counts.end(), unit_counts.begin(), unit_counts.end());
  }
};

namespace detail {

// The item results of one unit whose answer counts are `unit_counts` (item j's at j * code_rows:
// blank, then each code), into `out` (emptied first, its storage kept).
inline void items_of_counts(const std::vector<item_plan>& items, const std::int64_t* unit_counts, std::size_t code_rows,
                            const std::string& lang, std::vector<item_result>& out) {
  out.clear();
  out.reserve(items.size());
  for (std::size_t j = 0; j < items.size(); ++j) {
    const item_plan& item = items[j];
    item_result ir;
    ir.options.reserve(item.options.size());
    ir.id = item.id;
    ir.label = item.text.get(lang, item.id);
    const std::int64_t* const counts = unit_counts + j * code_rows;  // blank, then each option
    ir.blank = counts[0];
    std::int64_t positive = 0;
    double points_sum = 0.0;
    for (std::size_t o = 0; o < item.options.size(); ++o) {
      const option_info& option = item.options[o];
      const std::int64_t count = counts[o + 1];
      if (option.non_answer) ir.non_answers += count;
      else {
        ir.answered += count;
        points_sum += static_cast<double>(count) * option.points;
        if (option.positive) positive += count;
      }
    }
    const std::int64_t base = ir.answered + ir.non_answers;
    for (std::size_t o = 0; o < item.options.size(); ++o) {
      const option_info& option = item.options[o];
      option_result opt;
      opt.code = option.code;
      opt.label = option.text.get(lang, option.code);
      opt.count = counts[o + 1];
      opt.share = base > 0 ? static_cast<double>(opt.count) / static_cast<double>(base) : 0.0;
      opt.non_answer = option.non_answer;
      opt.positive = option.positive;
      ir.options.push_back(std::move(opt));
    }
    if (ir.answered > 0) {
      ir.mean_points = points_sum / static_cast<double>(ir.answered);
      ir.satisfaction_rate = static_cast<double>(positive) / static_cast<double>(ir.answered);
      if (const auto wilson = stats::wilson_interval(positive, ir.answered)) {
        ir.satisfaction_ci_low = wilson->low;
        ir.satisfaction_ci_high = wilson->high;
      }
      // Exact statistics of the answers' points from the option counts (unweighted, simple
      // random sample: se = sd / √n).
      std::vector<std::pair<double, std::int64_t>> values;
      stats::dd sum;
      for (std::size_t o = 0; o < item.options.size(); ++o)
        if (!item.options[o].non_answer && counts[o + 1] > 0) {
          values.emplace_back(item.options[o].points, counts[o + 1]);
          sum += stats::dd(static_cast<double>(counts[o + 1])) * stats::dd(item.options[o].points);
        }
      std::sort(values.begin(), values.end());
      const stats::dd mean = sum / stats::dd(static_cast<double>(ir.answered));
      stats::dd m2;
      for (const auto& [value, count] : values) {
        const stats::dd d = stats::dd(value) - mean;
        m2 += stats::dd(static_cast<double>(count)) * d * d;
      }
      value_summary& vs = ir.stats;
      vs.min = values.front().first;
      vs.max = values.back().first;
      vs.q1 = stats::quantile_type7(values, 0.25);
      vs.median = stats::quantile_type7(values, 0.5);
      vs.q3 = stats::quantile_type7(values, 0.75);
      if (ir.answered > 1) {
        const double n = static_cast<double>(ir.answered);
        vs.sd = std::sqrt((m2 / stats::dd(n - 1.0)).value());
        vs.se = *vs.sd / std::sqrt(n);
        const stats::interval ci = stats::normal_interval(*ir.mean_points, *vs.se);
        vs.ci_low = ci.low;
        vs.ci_high = ci.high;
      }
    }
    if (base > 0) ir.dont_know_rate = static_cast<double>(ir.non_answers) / static_cast<double>(base);
    out.push_back(std::move(ir));
  }
}

}  // namespace detail

// The items of r.units[i]: the unit's own when finalize made them, else made now from
// r.deferred into `scratch` (withheld, as finalize would have, when the unit is). The reference is
// to one of the two: valid until `scratch` or the report changes.
[[nodiscard]] inline const std::vector<item_result>& items_of(const report& r, std::size_t i,
                                                              std::vector<item_result>& scratch) {
  const unit_result& u = r.units[i];
  if (!r.deferred || !u.items.empty()) return u.items;
  const deferred_items& d = *r.deferred;
  const auto found = d.unit_position.find(u.id);
  if (found == d.unit_position.end()) return u.items;  // a unit the report's program added
  const std::size_t per_unit = d.items.size() * d.code_rows;
  detail::items_of_counts(d.items, d.counts.data() + found->second * per_unit, d.code_rows, d.language, scratch);
  if (u.suppressed != suppression::none)
    for (item_result& item : scratch) detail::withhold(item);
  return scratch;
}

}  // namespace qscore
