// finalize(plan, tally) -> report: means, share-weighted unit totals, dimension sub-scores, item
// statistics, the ranking, and the statistics of README "Statistics" (standard errors and
// intervals, descriptive statistics, reliability, rank uncertainty). Pure; the formulas are
// stated in the README ("Scoring: the formulas", "Statistics").
#pragma once

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "qscore/detail/ordered_parallel.hpp"
#include "qscore/plan/scoring_plan.hpp"
#include "qscore/report/privacy.hpp"
#include "qscore/report/report.hpp"
#include "qscore/report/unit_items.hpp"
#include "qscore/report/unit_strata.hpp"
#include "qscore/stats/design.hpp"
#include "qscore/stats/histogram.hpp"
#include "qscore/stats/intervals.hpp"
#include "qscore/stats/rank_uncertainty.hpp"
#include "qscore/stats/reliability.hpp"
#include "qscore/tally/tally.hpp"

namespace qscore {

struct report_options {
  std::string language;  // label language; empty = the definition's default
  // Threads that work out the units' results (0 = every core). The report is the same for any
  // count: each unit's results rest on its own tally, and everything pooled across units is
  // added in unit order on the calling thread.
  unsigned threads = 1;
  // Leave each unit's `items` empty and keep their answer counts in report::deferred instead:
  // items_of(report, i) and the writers make a unit's items when they need them. The report of
  // 5,000 units of 30 items then holds 6 MB of counts instead of 100 MB of item results. The
  // written report is byte for byte the same either way.
  bool defer_items = false;
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
    total += share * sums.weighted.divided_by(sums.weight);
  }
  out.score = total;
  return out;
}

inline std::optional<double> standard_error(const stats::design_strata& strata, int* lonely = nullptr) {
  const stats::design_variance v = stats::linearised_variance(strata);
  if (lonely != nullptr) *lonely = v.lonely_strata;
  if (!v.variance) return std::nullopt;
  return std::sqrt(*v.variance);
}

// sd, min, max and quartiles of a score column from moments and grid counts; se and the interval
// from `se` around `mean`.
inline value_summary summarise(const stats::moments& m, const stats::count_map& counts,
                               const std::optional<double>& mean, const std::optional<double>& se) {
  value_summary out;
  out.sd = m.sd();
  if (m.n > 0) {
    out.min = m.min;
    out.max = m.max;
  }
  const auto quartiles = stats::quantiles_type7(counts, {0.25, 0.5, 0.75}, stats::grid_value);
  out.q1 = quartiles[0];
  out.median = quartiles[1];
  out.q3 = quartiles[2];
  if (mean && se) {
    out.se = se;
    const stats::interval ci = stats::normal_interval(*mean, *se);
    out.ci_low = ci.low;
    out.ci_high = ci.high;
  }
  return out;
}

// Points of every code of item j (none for blank and non-answers): the values reliability and
// item statistics are computed on.
inline std::vector<std::optional<double>> code_points(const item_plan& item, std::size_t rows) {
  std::vector<std::optional<double>> out(rows);
  for (std::size_t o = 0; o < item.options.size() && o + 1 < rows; ++o)
    if (!item.options[o].non_answer) out[o + 1] = item.options[o].points;
  return out;
}

inline reliability_result reliability_of(const scoring_plan& plan, const tally& totals, std::size_t s,
                                         const std::vector<std::int64_t>& pairs, std::int64_t respondents,
                                         const std::string& lang) {
  const instrument& def = *plan.definition;
  reliability_result out;
  out.scale = s == 0 ? "all" : def.dimensions[s - 1].id;
  out.label = s == 0 ? "All items" : def.dimensions[s - 1].name.get(lang, out.scale);
  out.missing = def.statistics.reliability == missing_rule::listwise ? "listwise" : "pairwise";
  out.n = respondents;
  const auto& items = totals.reliability_items[s];
  std::vector<std::vector<std::optional<double>>> points;
  for (const std::size_t j : items) points.push_back(code_points(plan.items[j], totals.code_rows));
  const stats::scale_reliability r = stats::reliability_from_pairs(items.size(), totals.code_rows, pairs.data(), points);
  out.alpha = r.alpha;
  out.alpha_std = r.alpha_std;
  out.average_r = r.average_r;
  for (std::size_t a = 0; a < items.size(); ++a) {
    reliability_item_result item;
    item.id = plan.items[items[a]].id;
    item.label = plan.items[items[a]].text.get(lang, item.id);
    item.n = r.items[a].n;
    item.item_rest_r = r.items[a].item_rest_r;
    item.alpha_if_dropped = r.items[a].alpha_if_dropped;
    item.alpha_std_if_dropped = r.items[a].alpha_std_if_dropped;
    out.items.push_back(std::move(item));
  }
  return out;
}

inline std::int64_t rank_key(double total, const std::optional<int>& decimals) {
  // Totals are compared as published: rounded half away from zero to `decimals` places.
  // Without `decimals`, compare at 1e-9 points, far below anything a report prints.
  const int places = decimals.value_or(9);
  return std::llround(total * std::pow(10.0, places));
}

}  // namespace detail

namespace detail {

// What every unit's results are worked out from, besides the unit's own tally.
struct unit_context {
  const scoring_plan& plan;
  const std::string& lang;
  const stratum_order& strata_order;
  const std::unordered_map<std::string_view, const evaluated_unit*>& declared_unit;  // by id
  std::size_t code_rows;  // answer-code rows per item
  bool build_items;       // false: report_options::defer_items
};

// A unit's strata in id order (kept for the pooled groups' standard errors) and its results:
// scores, standard errors, groups, dimensions, derived scores, items and distributions. Reads
// nothing but `unit` and `context`, so units can be worked out on any thread.
struct unit_outcome {
  unit_strata strata;
  unit_result result;
};

inline unit_outcome unit_report(const unit_context& context, const unit_tally& unit) {
  const scoring_plan& plan = context.plan;
  const instrument& def = *plan.definition;
  const std::string& lang = context.lang;
  const auto& declared_unit = context.declared_unit;
  const std::size_t rows = context.code_rows;
  unit_outcome outcome{unit_strata_of(context.strata_order, unit), {}};
  const unit_strata& strata = outcome.strata;
  unit_result& r = outcome.result;
  stats::design_strata design;
  r.id = unit.id;
  r.label = unit.id;
  if (const auto declared = declared_unit.find(unit.id); declared != declared_unit.end())
    r.label = declared->second->name.get(lang, unit.id);
  r.rejected = unit.rejected;

  const combined_score overall = combine_groups(def, unit, 0);
  r.score = overall.score;
  if (r.score) r.total = *r.score * def.points / 100.0;
  r.shares_renormalised = overall.renormalised;
  // Standard error of a share-weighted combination of group means in score column s.
  const auto combined_se = [&](std::size_t s, const std::vector<double>& share_used, int* lonely) {
    std::vector<double> coef(def.groups.size(), 0.0), centre(def.groups.size(), 0.0);
    for (std::size_t g = 0; g < def.groups.size(); ++g) {
      const score_sums& sums = unit.groups[g].scores[s];
      if (sums.n == 0 || !(sums.weight.value() > 0.0) || share_used[g] == 0.0) continue;
      centre[g] = sums.weighted.divided_by(sums.weight);
      coef[g] = share_used[g] / sums.weight.value();
    }
    design.clear();
    unit_design(strata, s, coef, centre, design);
    return standard_error(design, lonely);
  };
  if (r.score) {
    r.score_se = combined_se(0, overall.share_used, &r.lonely_strata);
    if (r.score_se) {
      const stats::interval ci = stats::normal_interval(*r.score, *r.score_se);
      r.score_ci_low = ci.low;
      r.score_ci_high = ci.high;
      r.total_se = *r.score_se * def.points / 100.0;
      const stats::interval total_ci = stats::normal_interval(*r.total, *r.total_se);
      r.total_ci_low = total_ci.low;
      r.total_ci_high = total_ci.high;
    }
  }

  // Every unit's vectors are sized exactly: the doubling growth left room for 32 item results
  // where 30 were used and for 16 group results where 9 were (13 MB at 5,000 units).
  r.groups.reserve(def.groups.size());
  stats::count_map listed_scores;  // a cell's score histogram when it keeps its keys listed
  for (std::size_t g = 0; g < def.groups.size(); ++g) {
    const cell_tally& cell = unit.groups[g];
    group_result gr;
    gr.id = def.groups[g].id;
    gr.label = def.groups[g].name.get(lang, gr.id);
    gr.n = cell.valid;
    gr.void_ballots = cell.void_ballots;
    gr.weighted_n = cell.weight.value();
    const score_sums& sums = cell.scores[0];
    if (sums.n > 0 && sums.weight.value() > 0.0) gr.mean = sums.weighted.divided_by(sums.weight);
    gr.share = def.groups[g].share;
    gr.share_used = overall.share_used[g];
    std::optional<double> se;
    if (gr.mean) {
      std::vector<double> coef(def.groups.size(), 0.0), centre(def.groups.size(), 0.0);
      coef[g] = 1.0 / sums.weight.value();
      centre[g] = *gr.mean;
      design.clear();
      unit_design(strata, 0, coef, centre, design);
      se = standard_error(design);
    }
    gr.stats = summarise(cell_moments(strata, g, 0), cell.score_distribution(listed_scores), gr.mean, se);
    r.weighted_n += gr.weighted_n;
    r.valid += cell.valid;
    r.void_ballots += cell.void_ballots;
    r.groups.push_back(std::move(gr));
  }

  for (std::size_t d = 0; d < def.dimensions.size(); ++d) {
    dimension_result dr;
    dr.id = def.dimensions[d].id;
    dr.label = def.dimensions[d].name.get(lang, dr.id);
    const combined_score dimension_score = combine_groups(def, unit, d + 1);
    dr.score = dimension_score.score;
    if (dr.score) dr.points = *dr.score * def.points / 100.0;
    for (const auto& cell : unit.groups) {
      dr.n += cell.scores[d + 1].n;
      dr.weighted_n += cell.scores[d + 1].weight.value();
    }
    if (dr.score) {
      dr.se = combined_se(d + 1, dimension_score.share_used, &dr.lonely_strata);
      if (dr.se) {
        const stats::interval ci = stats::normal_interval(*dr.score, *dr.se);
        dr.ci_low = ci.low;
        dr.ci_high = ci.high;
      }
    }
    r.dimensions.push_back(std::move(dr));
  }

  for (std::size_t f = 0; f < plan.derived_count(); ++f) {
    const std::size_t column = plan.item_score_columns() + f;
    derived_result dr;
    dr.id = def.formulas[f].name;
    dr.label = def.formulas[f].name_label.get(lang, dr.id);
    const combined_score combined = combine_groups(def, unit, column);
    dr.score = combined.score;
    for (const auto& cell : unit.groups) {
      dr.n += cell.scores[column].n;
      dr.weighted_n += cell.scores[column].weight.value();
    }
    if (dr.score) {
      dr.se = combined_se(column, combined.share_used, &dr.lonely_strata);
      if (dr.se) {
        const stats::interval ci = stats::normal_interval(*dr.score, *dr.se);
        dr.ci_low = ci.low;
        dr.ci_high = ci.high;
      }
    }
    r.derived.push_back(std::move(dr));
  }

  if (context.build_items) items_of_counts(plan.items, unit.option_counts.data(), rows, lang, r.items);

  // The respondents' distribution in the unit, all groups pooled (score column s).
  const auto pooled_summary = [&](std::size_t s, const std::optional<double>& estimate,
                                  const std::optional<double>& se) {
    stats::moments m;
    stats::count_map counts;
    for (std::size_t g = 0; g < unit.groups.size(); ++g) {
      m.merge(cell_moments(strata, g, s));
      if (s == 0) unit.groups[g].add_score_distribution_to(counts);  // quartiles of the whole score only
    }
    return summarise(m, counts, estimate, se);
  };
  r.stats = pooled_summary(0, r.score, r.score_se);
  for (std::size_t d = 0; d < r.dimensions.size(); ++d)
    r.dimensions[d].stats = pooled_summary(d + 1, r.dimensions[d].score, r.dimensions[d].se);
  for (std::size_t f = 0; f < r.derived.size(); ++f)
    r.derived[f].stats = pooled_summary(plan.item_score_columns() + f, r.derived[f].score, r.derived[f].se);

  if (!r.total) r.not_ranked_reason = "no valid ballot";
  else if (r.valid < def.ranking.min_valid)
    r.not_ranked_reason = "fewer than " + std::to_string(def.ranking.min_valid) + " valid ballots";
  return outcome;
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
  out.respondent_formulas = plan.formulas != nullptr;
  if (plan.formulas) {
    for (std::size_t r = 0; r < totals.void_by_reason.size(); ++r) {
      if (totals.void_by_reason[r] == 0) continue;
      const std::string reason = r == 0 ? "min_answered" : r == 1 ? "valid_if" : "check " + def.checks[r - 2].name;
      out.accounting.void_by_reason.push_back({reason, totals.void_by_reason[r]});
    }
    for (std::size_t c = 0; c < def.checks.size() && c < totals.check_failed.size(); ++c) {
      const check_action a = def.checks[c].action;
      out.accounting.checks.push_back({def.checks[c].name,
                                       a == check_action::reject ? "reject" : a == check_action::flag ? "flag" : "void",
                                       totals.check_failed[c]});
    }
    std::vector<std::string> names;
    for (const auto& f : def.formulas) names.push_back(f.name);
    if (plan.formulas->valid_if) names.emplace_back("ballot.valid_if");
    for (const auto& c : def.checks) names.push_back("checks." + c.name);
    for (std::size_t f = 0; f < names.size() && f < totals.division_by_zero.size(); ++f)
      if (totals.division_by_zero[f] > 0) out.accounting.division_by_zero.push_back({names[f], totals.division_by_zero[f]});
  }
  for (const auto& f : def.formulas) out.derived_ids.push_back(f.name);

  std::vector<cell_tally> pooled(def.groups.size());
  for (auto& cell : pooled) cell.scores.resize(totals.score_columns);

  const detail::stratum_order strata_order = detail::stratum_order_of(totals, def);
  // Declared units by id, looked up once a unit (a scan of the declarations per unit was
  // quadratic: 25 million id compares for 5,000 declared units).
  std::unordered_map<std::string_view, const evaluated_unit*> declared_unit;
  declared_unit.reserve(def.units.size());
  for (const auto& declared : def.units) declared_unit.insert_or_assign(declared.id, &declared);

  // Each unit's strata laid out in id order once (unit_strata.hpp), kept for the pooled groups'
  // standard errors after the unit loop.
  std::vector<detail::unit_strata> strata_of_unit;
  strata_of_unit.reserve(totals.units.size());

  // A unit's results rest on its own tally alone (detail::unit_report), so units are worked out
  // on options.threads threads; the groups' pooled sums, whose floating-point order matters,
  // are added on this thread in unit order, as is every result. The report is the same for any
  // thread count.
  const detail::unit_context context{plan, lang, strata_order, declared_unit, totals.code_rows, !options.defer_items};
  const auto unit_report = [&](std::size_t unit_index) { return detail::unit_report(context, totals.units[unit_index]); };
  out.units.reserve(totals.units.size());
  const unsigned threads = detail::resolved_threads(options.threads);
  detail::render_in_order(totals.units.size(), threads, 8 * std::size_t{threads}, unit_report,
                          [&](std::size_t unit_index, detail::unit_outcome&& outcome) {
                            for (std::size_t g = 0; g < def.groups.size(); ++g) {
                              const cell_tally& cell = totals.units[unit_index].groups[g];
                              pooled[g].valid += cell.valid;
                              pooled[g].void_ballots += cell.void_ballots;
                              pooled[g].weight.add(cell.weight);
                              for (std::size_t s = 0; s < cell.scores.size(); ++s)
                                pooled[g].scores[s].merge(cell.scores[s]);
                            }
                            strata_of_unit.push_back(std::move(outcome.strata));
                            out.units.push_back(std::move(outcome.result));
                          });

  // Privacy: decide from the counts which cells, units and pooled groups are withheld before
  // ranking (a withheld unit is not ranked); the values are blanked at the end, after every
  // statistic that rests on them has used the true ones.
  out.min_cell = def.privacy.min_cell;
  privacy_table table;
  table.units = out.units.size();
  table.groups = def.groups.size();
  for (const auto& u : out.units)
    for (const auto& g : u.groups) {
      table.n.push_back(g.n);
      table.share_used.push_back(g.share_used);
    }
  const privacy_plan privacy = plan_privacy(table, def.privacy.min_cell);
  for (std::size_t u = 0; u < out.units.size(); ++u) {
    unit_result& r = out.units[u];
    for (std::size_t g = 0; g < r.groups.size(); ++g) r.groups[g].suppressed = privacy.cells[u * def.groups.size() + g];
    r.suppressed = privacy.units[u];
    if (r.suppressed == suppression::below_min_cell)
      r.not_ranked_reason = "fewer than " + std::to_string(def.privacy.min_cell) + " valid ballots (privacy)";
    else if (r.suppressed == suppression::complement)
      r.not_ranked_reason = "withheld to protect a small unit (privacy)";
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
  if (options.defer_items) {
    auto deferred = std::make_shared<deferred_items>();
    deferred->items = plan.items;
    deferred->language = lang;
    deferred->code_rows = totals.code_rows;
    deferred->counts.reserve(totals.units.size() * totals.answer_count_size());
    deferred->unit_position.reserve(totals.units.size());
    for (const unit_tally& unit : totals.units) deferred->add_unit(unit.id, unit.option_counts);
    out.deferred = std::move(deferred);
  }

  // Rank uncertainty over the ranked units (they come first, in rank order).
  std::size_t ranked = 0;
  while (ranked < out.units.size() && out.units[ranked].rank) ++ranked;
  for (std::size_t u = 0; u + 1 < ranked; ++u) {
    unit_result& upper = out.units[u];
    const unit_result& lower = out.units[u + 1];
    rank_pair pair;
    pair.upper = upper.id;
    pair.lower = lower.id;
    pair.difference = *upper.total - *lower.total;
    if (upper.total_se && lower.total_se) {
      pair.se = std::sqrt(*upper.total_se * *upper.total_se + *lower.total_se * *lower.total_se);
      if (*pair.se > 0.0) {
        pair.z = pair.difference / *pair.se;
        pair.p = stats::two_sided_p(*pair.z);
        pair.distinct = *pair.p < 0.05;
      }
    }
    upper.distinct_from_next = pair.distinct;
    upper.p_next = pair.p;
    out.rank_pairs.push_back(std::move(pair));
  }
  if (ranked > 0 && def.statistics.rank_replicates > 0) {
    std::vector<double> rank_totals;
    std::vector<std::optional<double>> rank_se;
    for (std::size_t u = 0; u < ranked; ++u) {
      rank_totals.push_back(*out.units[u].total);
      rank_se.push_back(out.units[u].total_se);
    }
    const auto intervals = stats::bootstrap_rank_intervals(rank_totals, rank_se, def.statistics.rank_replicates,
                                                           def.statistics.rank_seed, threads);
    for (std::size_t u = 0; u < ranked; ++u) {
      if (!out.units[u].total_se) continue;  // no SE: no honest interval for this unit
      out.units[u].rank_low = intervals[u].low;
      out.units[u].rank_high = intervals[u].high;
    }
  }

  // Each pooled group reads every unit's cell of its own group: worked out side by side, kept
  // in group order.
  const auto pooled_group = [&](std::size_t g) {
    group_result gr;
    gr.id = def.groups[g].id;
    gr.label = def.groups[g].name.get(lang, gr.id);
    gr.n = pooled[g].valid;
    gr.void_ballots = pooled[g].void_ballots;
    gr.weighted_n = pooled[g].weight.value();
    const score_sums& sums = pooled[g].scores[0];
    if (sums.n > 0 && sums.weight.value() > 0.0) gr.mean = sums.weighted.divided_by(sums.weight);
    gr.share = def.groups[g].share;
    // Each unit is its own stratified sample: the strata of the pooled mean are (unit, stratum).
    stats::moments m;
    stats::count_map counts;
    std::vector<double> coef(def.groups.size(), 0.0), centre(def.groups.size(), 0.0);
    if (gr.mean) {
      coef[g] = 1.0 / sums.weight.value();
      centre[g] = *gr.mean;
    }
    stats::design_strata design;
    for (std::size_t u = 0; u < totals.units.size(); ++u) {
      m.merge(detail::cell_moments(strata_of_unit[u], g, 0));
      totals.units[u].groups[g].add_score_distribution_to(counts);
      if (gr.mean) detail::unit_design(strata_of_unit[u], 0, coef, centre, design);
    }
    gr.stats = detail::summarise(m, counts, gr.mean, gr.mean ? detail::standard_error(design) : std::nullopt);
    gr.suppressed = privacy.groups[g];
    return gr;
  };
  detail::render_in_order(def.groups.size(), threads, def.groups.size(), pooled_group,
                          [&](std::size_t, group_result&& gr) { out.groups.push_back(std::move(gr)); });

  // Reliability: every group pooled, then each group when asked for.
  for (std::size_t s = 0; s < totals.reliability_items.size(); ++s) {
    if (totals.reliability_items[s].size() < 2) continue;
    std::vector<std::int64_t> all(totals.reliability[0].pairs[s].size(), 0);
    std::int64_t respondents = 0;
    for (const auto& group : totals.reliability) {
      for (std::size_t c = 0; c < all.size(); ++c) all[c] += group.pairs[s][c];
      respondents += group.respondents[s];
    }
    out.reliability.push_back(detail::reliability_of(plan, totals, s, all, respondents, lang));
    if (def.statistics.reliability_by_group)
      for (std::size_t g = 0; g < totals.reliability.size(); ++g) {
        reliability_result by_group = detail::reliability_of(plan, totals, s, totals.reliability[g].pairs[s],
                                                             totals.reliability[g].respondents[s], lang);
        by_group.group = def.groups[g].id;
        out.reliability.push_back(std::move(by_group));
      }
  }

  statistics_info& info = out.statistics;
  info.z = stats::z95;
  info.strata = def.columns.stratum.empty() ? "groups" : def.columns.stratum;
  if (!totals.strata_are_groups) info.stratum_ids = totals.stratum_ids;
  info.fpc = !def.statistics.population.empty();
  info.sampling_weights = totals.sampling_weights;
  info.rank_replicates = def.statistics.rank_replicates;
  info.rank_seed = def.statistics.rank_seed;
  if (def.statistics.reliability)
    info.reliability = *def.statistics.reliability == missing_rule::listwise ? "listwise" : "pairwise";
  withhold_suppressed(out);
  return out;
}

}  // namespace qscore
