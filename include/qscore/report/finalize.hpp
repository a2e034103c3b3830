// finalize(plan, tally) -> report: means, share-weighted unit totals, dimension sub-scores, item
// statistics and the ranking. Pure; the formulas are stated in the README ("Scoring").
#pragma once

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "qscore/plan/scoring_plan.hpp"
#include "qscore/report/report.hpp"
#include "qscore/tally/tally.hpp"

namespace qscore {

struct report_options {
  std::string language;  // label language; empty = the definition's default
};

namespace detail {

// Combines per-group means of one score column into a unit score:
//   sum_g share_used_g * mean_g, with share_used_g = share_g / sum of shares of groups present.
// "Present" means the group has at least one score in that column. Returns none when no group
// with a positive share is present.
struct combined_score {
  std::optional<double> score;
  bool renormalised = false;
  std::vector<double> share_used;
};

inline combined_score combine_groups(const instrument& def, const unit_tally& unit, std::size_t column) {
  combined_score out;
  out.share_used.assign(def.groups.size(), 0.0);
  double present_share = 0.0;
  for (std::size_t g = 0; g < def.groups.size(); ++g) {
    if (unit.groups[g].scores[column].n > 0) present_share += def.groups[g].share;
    else if (def.groups[g].share > 0.0) out.renormalised = true;
  }
  if (present_share <= 0.0) return out;
  double total = 0.0;
  for (std::size_t g = 0; g < def.groups.size(); ++g) {
    const score_sums& sums = unit.groups[g].scores[column];
    if (sums.n == 0 || sums.weight.value() <= 0.0) continue;
    // Without renormalisation the declared share is used as it stands (no rounding by x/1).
    const double share = out.renormalised ? def.groups[g].share / present_share : def.groups[g].share;
    out.share_used[g] = share;
    total += share * sums.weighted.divided_by(sums.weight.value());
  }
  out.score = total;
  return out;
}

inline std::int64_t rank_key(double total, const std::optional<int>& decimals) {
  // Totals are compared as published: rounded half away from zero to `decimals` places.
  // Without `decimals`, compare at 1e-9 points, far below anything a report prints.
  const int places = decimals.value_or(9);
  return std::llround(total * std::pow(10.0, places));
}

}  // namespace detail

[[nodiscard]] inline report finalize(const scoring_plan& plan, const tally& unflushed,
                                     const report_options& options = {}) {
  // The open block's partial sums must join the totals; work on a flushed copy when needed.
  tally flushed_copy;
  if (!unflushed.flushed()) {
    flushed_copy = unflushed;
    flushed_copy.flush();
  }
  const tally& totals = unflushed.flushed() ? unflushed : flushed_copy;
  const instrument& def = *plan.definition;
  const std::string lang = options.language.empty() ? def.language : options.language;
  report out;
  out.questionnaire_id = def.id;
  out.questionnaire_version = def.version;
  out.title = def.title.get(lang);
  out.language = lang;
  out.points = def.points;
  out.min_valid = def.ranking.min_valid;
  out.rank_decimals = def.ranking.decimals;
  for (const auto& d : def.dimensions) out.dimension_ids.push_back(d.id);

  // Accounting: every row read is scored, void or rejected.
  out.accounting.rows_read = totals.rows_read;
  out.accounting.scored = totals.valid();
  out.accounting.void_ballots = totals.void_ballots();
  out.accounting.rejected = totals.rejected();
  out.accounting.rejected_without_unit = totals.rejected_without_unit;
  for (const auto& [code, count] : totals.rejected_by_reason)
    out.accounting.rejected_by_reason.push_back({error_id(code), count});
  out.accounting.rejection_samples = totals.rejection_samples;

  const std::size_t k = totals.items;
  const std::size_t rows = totals.code_rows;
  std::vector<cell_tally> pooled(def.groups.size());
  for (auto& cell : pooled) cell.scores.resize(totals.score_columns);

  for (const auto& unit : totals.units) {
    unit_result r;
    r.id = unit.id;
    r.label = unit.id;
    for (const auto& declared : def.units)
      if (declared.id == unit.id) r.label = declared.name.get(lang, unit.id);
    r.rejected = unit.rejected;

    const detail::combined_score overall = detail::combine_groups(def, unit, 0);
    r.score = overall.score;
    if (r.score) r.total = *r.score * def.points / 100.0;
    r.shares_renormalised = overall.renormalised;

    for (std::size_t g = 0; g < def.groups.size(); ++g) {
      const cell_tally& cell = unit.groups[g];
      pooled[g].merge(cell);
      group_result gr;
      gr.id = def.groups[g].id;
      gr.label = def.groups[g].name.get(lang, gr.id);
      gr.n = cell.valid;
      gr.void_ballots = cell.void_ballots;
      gr.weighted_n = cell.weight.value();
      const score_sums& sums = cell.scores[0];
      if (sums.n > 0 && sums.weight.value() > 0.0) gr.mean = sums.weighted.divided_by(sums.weight.value());
      gr.share = def.groups[g].share;
      gr.share_used = overall.share_used[g];
      r.valid += cell.valid;
      r.void_ballots += cell.void_ballots;
      r.groups.push_back(std::move(gr));
    }

    for (std::size_t d = 0; d < def.dimensions.size(); ++d) {
      dimension_result dr;
      dr.id = def.dimensions[d].id;
      dr.label = def.dimensions[d].name.get(lang, dr.id);
      dr.score = detail::combine_groups(def, unit, d + 1).score;
      if (dr.score) dr.points = *dr.score * def.points / 100.0;
      r.dimensions.push_back(std::move(dr));
    }

    for (std::size_t j = 0; j < k; ++j) {
      const item_plan& item = plan.items[j];
      item_result ir;
      ir.id = item.id;
      ir.label = item.text.get(lang, item.id);
      std::vector<std::int64_t> counts(rows, 0);
      for (std::size_t g = 0; g < def.groups.size(); ++g)
        for (std::size_t c = 0; c < rows; ++c) counts[c] += unit.option_counts[(g * k + j) * rows + c];
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
      }
      if (base > 0) ir.dont_know_rate = static_cast<double>(ir.non_answers) / static_cast<double>(base);
      r.items.push_back(std::move(ir));
    }

    if (!r.total) r.not_ranked_reason = "no valid ballot";
    else if (r.valid < def.ranking.min_valid)
      r.not_ranked_reason = "fewer than " + std::to_string(def.ranking.min_valid) + " valid ballots";
    out.units.push_back(std::move(r));
  }

  // Ranking: units by total, descending; equal totals (as published) share the better rank.
  std::vector<std::size_t> order(out.units.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  auto rankable = [&](std::size_t u) { return out.units[u].not_ranked_reason.empty(); };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (rankable(a) != rankable(b)) return rankable(a);
    if (!rankable(a)) return false;  // unranked keep their order of appearance
    return detail::rank_key(*out.units[a].total, def.ranking.decimals) >
           detail::rank_key(*out.units[b].total, def.ranking.decimals);
  });
  int position = 0;
  std::int64_t previous_key = 0;
  int previous_rank = 0;
  for (const std::size_t u : order) {
    if (!rankable(u)) break;
    ++position;
    const std::int64_t key = detail::rank_key(*out.units[u].total, def.ranking.decimals);
    const int rank = (position > 1 && key == previous_key) ? previous_rank : position;
    out.units[u].rank = rank;
    previous_key = key;
    previous_rank = rank;
  }
  std::vector<unit_result> sorted;
  sorted.reserve(out.units.size());
  for (const std::size_t u : order) sorted.push_back(std::move(out.units[u]));
  out.units = std::move(sorted);

  for (std::size_t g = 0; g < def.groups.size(); ++g) {
    group_result gr;
    gr.id = def.groups[g].id;
    gr.label = def.groups[g].name.get(lang, gr.id);
    gr.n = pooled[g].valid;
    gr.void_ballots = pooled[g].void_ballots;
    gr.weighted_n = pooled[g].weight.value();
    const score_sums& sums = pooled[g].scores[0];
    if (sums.n > 0 && sums.weight.value() > 0.0) gr.mean = sums.weighted.divided_by(sums.weight.value());
    gr.share = def.groups[g].share;
    out.groups.push_back(std::move(gr));
  }
  return out;
}

}  // namespace qscore
