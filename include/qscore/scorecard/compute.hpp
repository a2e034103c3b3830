// compute_scorecard(definition, report, inputs) -> scorecard_result: the stage after finalize
// that turns the survey's unit totals and the component inputs into the composite total, the
// veto, the bands and the ranking. Pure: plain values in, plain values out (README, "Composite
// scorecard", states the rules).
//
//   survey     the report's unit total (0..the survey's points); none when the unit has none
//   values     the file's value; a value above `cap` is cut to the cap; a unit without a row
//              takes missing_value, or has no value
//   counts     points − Σ deductions, never below `floor`: each row matches its most specific
//              rule, and a (source, category) deducts count × per + escalated × per_escalated
//   total      the named formula or component, or else the sum of the components' values
//              (none when any is none)
//   ranking    units with a total, whose survey part is ranked (enough valid ballots) and that
//              are not vetoed with action `exclude`; vetoed units with action `last` after every
//              other ranked unit. Order: total (compared at the ranking decimals), then each
//              tie_break key in turn; units equal on all of them share a rank (1, 2, 2, 4).
//   bands      the first band (highest `from` first) whose `from` the total reaches, compared at
//              the ranking decimals; a vetoed unit is placed in the lowest band
#pragma once

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "qscore/expr/evaluate.hpp"
#include "qscore/model/instrument.hpp"
#include "qscore/report/finalize.hpp"
#include "qscore/report/report.hpp"
#include "qscore/scorecard/check.hpp"
#include "qscore/scorecard/inputs.hpp"
#include "qscore/scorecard/result.hpp"

namespace qscore {

namespace scorecard_detail {

inline std::string format_value(const std::optional<double>& v) {
  return v ? detail::format_number(*v) : std::string("missing");
}

inline const char* input_name(component_input in) {
  switch (in) {
    case component_input::survey: return "survey";
    case component_input::values: return "values";
    case component_input::counts: return "counts";
  }
  return "values";
}

// One unit's place in the ordering.
struct sort_entry {
  std::size_t unit = 0;  // index into the result's units
  int tier = 0;          // 0 = ranked normally, 1 = vetoed and placed last
  std::int64_t total_key = 0;
  std::vector<std::optional<std::int64_t>> keys;  // tie-break keys, already signed so higher is better
};

// -1: a before b, 1: b before a, 0: equal. `decided` gets the tie-break key index that decided
// (or -1 when the total or the tier did, or nothing did).
inline int compare(const sort_entry& a, const sort_entry& b, int& decided) {
  decided = -1;
  if (a.tier != b.tier) return a.tier < b.tier ? -1 : 1;
  if (a.total_key != b.total_key) return a.total_key > b.total_key ? -1 : 1;
  for (std::size_t k = 0; k < a.keys.size(); ++k) {
    const auto& x = a.keys[k];
    const auto& y = b.keys[k];
    if (x.has_value() != y.has_value()) {  // a missing key sorts after a known one
      decided = static_cast<int>(k);
      return x ? -1 : 1;
    }
    if (x && *x != *y) {
      decided = static_cast<int>(k);
      return *x > *y ? -1 : 1;
    }
  }
  return 0;
}

}  // namespace scorecard_detail

// Evaluates the scorecard of `def` (which must have one and have passed check_scorecard) for
// the units of `r`, with the inputs read by read_scorecard_inputs. Labels are taken from the
// report (already in its language). Fails only when the formulas do not check (a definition
// built in code that skipped check_scorecard).
[[nodiscard]] inline result<scorecard_result> compute_scorecard(const instrument& def, const report& r,
                                                                const scorecard_inputs& inputs) {
  using namespace scorecard_detail;
  const scorecard_definition& card = *def.scorecard;
  const std::string lang = r.language;
  scorecard_result out;
  out.points = card.points;
  out.total = card.total;
  for (const auto& k : card.tie_break) out.tie_break.push_back((k.lower_is_better ? "-" : "") + k.name);
  out.veto_action = card.veto.enabled ? (card.veto.action == veto_action::last ? "last" : "exclude") : "";
  out.veto_file = inputs.veto_file;
  out.decimals = r.rank_decimals;

  const auto n = static_cast<Eigen::Index>(r.units.size());
  std::vector<scorecard_unit> units(r.units.size());
  expr::table_environment env(n);
  const auto put = [&](const std::string& name, const std::vector<std::optional<double>>& v) {
    expr::column c{Eigen::ArrayXd::Zero(n), expr::mask::Constant(n, true)};
    for (Eigen::Index i = 0; i < n; ++i)
      if (v[static_cast<std::size_t>(i)]) {
        c.values(i) = *v[static_cast<std::size_t>(i)];
        c.missing(i) = false;
      }
    env.set(name, std::move(c));
  };
  std::map<std::string, std::vector<std::optional<double>>> columns;  // every unit-level value by name

  for (std::size_t u = 0; u < r.units.size(); ++u) {
    units[u].id = r.units[u].id;
    units[u].label = r.units[u].label;
  }
  // Dimensions: the unit's dimension score (0..100).
  for (std::size_t d = 0; d < def.dimensions.size(); ++d) {
    std::vector<std::optional<double>> v(r.units.size());
    for (std::size_t u = 0; u < r.units.size(); ++u)
      for (const auto& dim : r.units[u].dimensions)
        if (dim.id == def.dimensions[d].id) v[u] = dim.score;
    columns[def.dimensions[d].id] = v;
  }

  for (const auto& c : card.components) {
    const component_data* data = inputs.find(c.id);
    std::vector<std::optional<double>> value(r.units.size());
    std::vector<std::optional<double>> count(r.units.size()), escalated(r.units.size()), deducted(r.units.size());
    for (std::size_t u = 0; u < r.units.size(); ++u) {
      scorecard_component_result cr;
      cr.id = c.id;
      cr.label = c.name.empty() ? c.id : c.name.get(lang);
      cr.input = input_name(c.input);
      cr.points = c.input == component_input::survey ? c.points.value_or(def.points) : c.points.value_or(0.0);
      if (data) cr.file = data->file;
      const std::string& unit_id = r.units[u].id;
      if (c.input == component_input::survey) {
        cr.value = r.units[u].total;
        cr.raw = cr.value;
      } else if (c.input == component_input::values) {
        const value_row* row = nullptr;
        if (data)
          for (const auto& v : data->values)
            if (v.unit == unit_id) row = &v;
        if (row) {
          cr.raw = row->value;
          cr.line = row->line;
          cr.value = c.cap ? std::min(row->value, *c.cap) : row->value;
          cr.capped = c.cap && row->value > *c.cap;
        } else if (c.missing_value) {
          cr.value = c.missing_value;
        }
      } else {  // counts
        double total_deducted = 0.0;
        if (data)
          for (const auto& row : data->complaints) {
            if (row.unit != unit_id) continue;
            const deduction_rule* rule = match_rule(c, row.source, row.category);
            if (!rule) continue;  // read_scorecard_inputs refuses such rows
            auto it = std::find_if(units[u].deductions.begin(), units[u].deductions.end(), [&](const scorecard_deduction& d) {
              return d.component == c.id && d.source == row.source && d.category == row.category;
            });
            if (it == units[u].deductions.end()) {
              scorecard_deduction d;
              d.component = c.id;
              d.source = row.source;
              d.category = row.category;
              d.per = rule->per;
              d.per_escalated = rule->per_escalated;
              d.file = data->file;
              units[u].deductions.push_back(std::move(d));
              it = std::prev(units[u].deductions.end());
            }
            it->count += row.count;
            it->escalated += row.escalated;
            it->lines.push_back(row.line);
            cr.count += row.count;
            cr.escalated += row.escalated;
          }
        for (auto& d : units[u].deductions)
          if (d.component == c.id) {
            d.points = static_cast<double>(d.count) * d.per + static_cast<double>(d.escalated) * d.per_escalated;
            total_deducted += d.points;
          }
        cr.deducted = total_deducted;
        cr.raw = cr.points - total_deducted;
        cr.value = std::max(c.floor, *cr.raw);
        cr.floored = *cr.raw < c.floor;
        count[u] = static_cast<double>(cr.count);
        escalated[u] = static_cast<double>(cr.escalated);
        deducted[u] = total_deducted;
      }
      value[u] = cr.value;
      units[u].components.push_back(std::move(cr));
    }
    columns[c.id] = value;
    if (c.input == component_input::counts) {
      columns[c.id + ".count"] = count;
      columns[c.id + ".escalated"] = escalated;
      columns[c.id + ".deducted"] = deducted;
    }
  }
  for (const auto& [name, v] : columns) put(name, v);

  // Unit-level formulas.
  if (!card.formulas.empty()) {
    const auto checked = expr::check_formulas(formula_sources(card, {}), unit_names(def));
    if (!checked) return checked.diagnostics();
    auto evaluated = expr::evaluate_formulas(*checked, expr::formula_level::unit, env);
    if (!evaluated) return evaluated.diagnostics();
    for (std::size_t f = 0; f < checked->formulas.size(); ++f) {
      const expr::column& c = (*evaluated)[f].value;
      std::vector<std::optional<double>> v(r.units.size());
      for (std::size_t u = 0; u < r.units.size(); ++u) {
        const auto i = static_cast<Eigen::Index>(u);
        if (c.has(i)) v[u] = c.values(i);
        units[u].formulas.push_back(scorecard_value{checked->formulas[f].name, v[u]});
      }
      columns[checked->formulas[f].name] = v;
    }
  }

  // Totals, vetoes, bands.
  const auto key = [&](double v) { return detail::rank_key(v, r.rank_decimals); };
  for (std::size_t u = 0; u < r.units.size(); ++u) {
    scorecard_unit& su = units[u];
    if (!card.total.empty()) {
      su.total = columns[card.total][u];
    } else {
      double sum = 0.0;
      bool all = true;
      for (const auto& c : su.components) {
        if (c.value) sum += *c.value;
        else all = false;
      }
      if (all) su.total = sum;
    }
    for (const auto& v : inputs.vetoes)
      if (v.unit == su.id) {
        su.vetoed = true;
        su.veto_reason = v.reason;
        su.veto_line = v.line;
      }
    if (!card.bands.empty() && su.total) {
      const scorecard_band* band = nullptr;
      if (su.vetoed) band = &card.bands.back();
      else
        for (const auto& b : card.bands)
          if (key(*su.total) >= key(b.from)) {
            band = &b;
            break;
          }
      if (band) {
        su.band = band->id;
        su.band_label = band->name.empty() ? band->id : band->name.get(lang);
      }
    }
    // Why a unit is not ranked: the first reason that applies.
    if (su.vetoed && card.veto.action == veto_action::exclude)
      su.not_ranked_reason = "vetoed: " + su.veto_reason;
    else if (!r.units[u].rank)
      su.not_ranked_reason = "survey not ranked: " + r.units[u].not_ranked_reason;
    else if (!su.total) {
      std::string missing;
      for (const auto& c : su.components)
        if (!c.value) missing += (missing.empty() ? "" : ", ") + c.id;
      su.not_ranked_reason = missing.empty() ? "the total " + detail::quote_id(card.total) + " is missing"
                                             : "no value for component " + missing;
    }
  }

  // Ranking.
  std::vector<sort_entry> order;
  for (std::size_t u = 0; u < units.size(); ++u) {
    if (!units[u].not_ranked_reason.empty()) continue;
    sort_entry e;
    e.unit = u;
    e.tier = units[u].vetoed ? 1 : 0;
    e.total_key = key(*units[u].total);
    for (const auto& k : card.tie_break) {
      const auto& v = columns[k.name][u];
      if (v) e.keys.emplace_back(k.lower_is_better ? -key(*v) : key(*v));
      else e.keys.emplace_back(std::nullopt);
    }
    order.push_back(std::move(e));
  }
  std::stable_sort(order.begin(), order.end(), [](const sort_entry& a, const sort_entry& b) {
    int decided = 0;
    return compare(a, b, decided) < 0;
  });
  for (std::size_t i = 0; i < order.size(); ++i) {
    int decided = 0;
    const bool shared = i > 0 && compare(order[i - 1], order[i], decided) == 0;
    units[order[i].unit].rank = shared ? *units[order[i - 1].unit].rank : static_cast<int>(i + 1);
  }
  // The tie-break notes: for each unit, every other ranked unit of its tier with an equal total.
  for (const auto& a : order) {
    std::string note;
    for (const auto& b : order) {
      if (a.unit == b.unit || a.tier != b.tier || a.total_key != b.total_key) continue;
      int decided = -1;
      const int c = compare(a, b, decided);
      if (!note.empty()) note += "; ";
      const std::string other = detail::quote_id(units[b.unit].id);
      if (c == 0) {
        note += "shares rank " + std::to_string(*units[a.unit].rank) + " with " + other +
                (card.tie_break.empty() ? " (equal total, no tie_break declared)" : " (equal total and tie-break values)");
      } else {
        const auto& k = card.tie_break[static_cast<std::size_t>(decided)];
        const std::string name = k.name;
        note += std::string(c < 0 ? "above " : "below ") + other + " on equal total, by " + (k.lower_is_better ? "-" : "") +
                name + " (" + format_value(columns[name][a.unit]) + " vs " + format_value(columns[name][b.unit]) + ")";
      }
    }
    units[a.unit].tie_break = note;
  }

  for (const auto& e : order) out.units.push_back(units[e.unit]);
  for (auto& u : units)
    if (u.not_ranked_reason.size() > 0) out.units.push_back(std::move(u));
  return out;
}

}  // namespace qscore
