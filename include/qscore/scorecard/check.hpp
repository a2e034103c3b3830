// check_scorecard(): the rules of a definition's `scorecard:` section, on plain values (from YAML
// or built in code). Each diagnostic names the document path (/scorecard/components/2/points)
// and, when the source map knows it or a parent, the file position.
//
//   D004  a component, formula or band without an id / name / formula text
//   D020  two components (or two bands) with one id
//   D050  a component's points negative or not finite; the components' points (survey included)
//         not adding up to the scorecard's `points` (within 1e-9); a survey component whose
//         points differ from the survey's own `points`
//   D051  no survey component, or more than one; a values/counts component without points;
//         `cap` or `missing_value` on a component that is not `values`; deductions or `floor`
//         on one that is not `counts`; a counts component without deduction rules; a cap or
//         floor that is negative or not finite, a floor above the points, a missing_value
//         outside 0..points (0..cap with a cap)
//   D052  a deduction `per` or `per_escalated` negative or not finite; two rules for one
//         (source, category)
//   D053  `total` or a tie_break key naming no component, formula or unit-level value
//   D054  bands whose `from` is not strictly descending or not finite, or whose last band
//         starts above 0 (a total would fall in no band)
//   D040-D047  the unit-level formulas (expr::check_formulas, level unit): syntax, unknown
//         names, cycles, items or other respondent-level names used at unit level (D047)
#pragma once

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "qscore/core/diagnostic.hpp"
#include "qscore/expr/check.hpp"
#include "qscore/model/check.hpp"
#include "qscore/model/instrument.hpp"

namespace qscore {

namespace scorecard_detail {

// The unit-level names a scorecard's formulas and tie-break may use, besides formula names:
// every component id; for a counts component also <id>.count (complaints), <id>.escalated and
// <id>.deducted (points deducted before the floor); the dimensions (their unit scores, 0..100);
// and the items, which have no unit-level value (named so that using one is D047, not D043).
inline std::vector<expr::known_name> unit_names(const instrument& def) {
  std::vector<std::string> items, dimensions, components;
  for (const auto& i : def.items) items.push_back(i.id);
  for (const auto& d : def.dimensions) dimensions.push_back(d.id);
  if (def.scorecard)
    for (const auto& c : def.scorecard->components) {
      components.push_back(c.id);
      if (c.input == component_input::counts)
        for (const char* suffix : {".count", ".escalated", ".deducted"}) components.push_back(c.id + suffix);
    }
  return expr::standard_names(items, dimensions, components);
}

inline std::vector<expr::formula_source> formula_sources(const scorecard_definition& card, const source_map& where) {
  std::vector<expr::formula_source> out;
  for (std::size_t i = 0; i < card.formulas.size(); ++i) {
    expr::formula_source s;
    s.name = card.formulas[i].name;
    s.text = card.formulas[i].formula;
    s.level = expr::formula_level::unit;
    s.path = "/scorecard/formulas/" + std::to_string(i) + "/formula";
    s.name_path = "/scorecard/formulas/" + std::to_string(i) + "/name";
    if (const auto it = where.find(s.path); it != where.end()) s.origin = it->second;
    if (const auto it = where.find(s.name_path); it != where.end()) s.name_at = it->second;
    out.push_back(std::move(s));
  }
  return out;
}

class scorecard_checker {
 public:
  scorecard_checker(const instrument& def, const source_map& where) : def_(def), where_(where) {}

  std::vector<diagnostic> run() {
    const scorecard_definition& card = *def_.scorecard;
    check_components(card);
    check_formulas_and_names(card);
    check_bands(card);
    return std::move(out_);
  }

 private:
  [[nodiscard]] source_location locate(std::string path) const {
    for (;;) {
      if (const auto it = where_.find(path); it != where_.end()) return it->second;
      if (path.empty()) return {};
      const auto slash = path.rfind('/');
      path.erase(slash == std::string::npos ? 0 : slash);
    }
  }

  void report(errc code, std::string path, std::string message) {
    diagnostic d;
    d.code = code;
    d.message = std::move(message);
    d.where = locate(path);
    d.path = std::move(path);
    out_.push_back(std::move(d));
  }

  static std::string num(double v) { return detail::format_number(v); }

  void check_components(const scorecard_definition& card) {
    const std::string base = "/scorecard/components";
    if (card.components.empty()) {
      report(errc::scorecard_component, base, "the scorecard has no components, expected at least the survey");
      return;
    }
    if (!std::isfinite(card.points) || card.points <= 0)
      report(errc::scorecard_points, "/scorecard/points", "points " + num(card.points) + " must be a finite number > 0");
    std::map<std::string, std::size_t> ids;
    int surveys = 0;
    double sum = 0.0;
    bool sum_known = true;
    for (std::size_t i = 0; i < card.components.size(); ++i) {
      const auto& c = card.components[i];
      const std::string path = base + "/" + std::to_string(i);
      if (c.id.empty()) report(errc::missing_field, path + "/id", "component id is empty, expected a non-empty id");
      else if (const auto [it, fresh] = ids.emplace(c.id, i); !fresh)
        report(errc::duplicate_id, path + "/id",
               "duplicate component id " + detail::quote_id(c.id) + " (first at components/" + std::to_string(it->second) +
                   ")");
      const bool values = c.input == component_input::values, counts = c.input == component_input::counts;
      double points = 0.0;
      if (c.input == component_input::survey) {
        ++surveys;
        points = c.points.value_or(def_.points);
        if (c.points && *c.points != def_.points)
          report(errc::scorecard_points, path + "/points",
                 "survey component points " + num(*c.points) + " differ from the survey's points " + num(def_.points) +
                     "; leave it out or make them equal");
      } else if (!c.points) {
        report(errc::scorecard_component, path + "/points",
               "component " + detail::quote_id(c.id) + " has no points, expected its worth in the total (0 for bonus points)");
        sum_known = false;
      } else {
        points = *c.points;
      }
      if (c.points && (!std::isfinite(*c.points) || *c.points < 0)) {
        report(errc::scorecard_points, path + "/points", "points " + num(*c.points) + " must be a finite number >= 0");
        sum_known = false;
      }
      sum += points;
      if (c.cap && !values)
        report(errc::scorecard_component, path + "/cap", "cap applies only to a component with input: values");
      if (c.cap && (!std::isfinite(*c.cap) || *c.cap < 0))
        report(errc::scorecard_component, path + "/cap", "cap " + num(*c.cap) + " must be a finite number >= 0");
      if (c.missing_value && !values)
        report(errc::scorecard_component, path + "/missing_value",
               "missing_value applies only to a component with input: values");
      else if (c.missing_value) {
        const double high = c.cap ? *c.cap : points;
        if (!std::isfinite(*c.missing_value) || *c.missing_value < 0 || *c.missing_value > high)
          report(errc::scorecard_component, path + "/missing_value",
                 "missing_value " + num(*c.missing_value) + " is out of range, expected 0.." + num(high));
      }
      if (!counts && !c.deductions.empty())
        report(errc::scorecard_component, path + "/deductions", "deductions apply only to a component with input: counts");
      if (!counts && c.floor != 0.0)
        report(errc::scorecard_component, path + "/floor", "floor applies only to a component with input: counts");
      if (counts) {
        if (c.deductions.empty())
          report(errc::scorecard_component, path + "/deductions",
                 "component " + detail::quote_id(c.id) + " reads counts but has no deduction rules");
        if (!std::isfinite(c.floor) || c.floor < 0 || c.floor > points)
          report(errc::scorecard_component, path + "/floor",
                 "floor " + num(c.floor) + " is out of range, expected 0.." + num(points));
        check_rules(c, path + "/deductions");
      }
    }
    if (surveys != 1)
      report(errc::scorecard_component, base,
             surveys == 0 ? "no component has input: survey, expected exactly one (the questionnaire's total)"
                          : "more than one component has input: survey, expected exactly one");
    if (sum_known && std::isfinite(card.points) && std::fabs(sum - card.points) > 1e-9 * std::max(1.0, card.points))
      report(errc::scorecard_points, "/scorecard/points",
             "the components' points add up to " + num(sum) + ", expected the scorecard's points " + num(card.points));
  }

  void check_rules(const scorecard_component& c, const std::string& path) {
    std::map<std::pair<std::string, std::string>, std::size_t> seen;
    for (std::size_t i = 0; i < c.deductions.size(); ++i) {
      const auto& r = c.deductions[i];
      const std::string at = path + "/" + std::to_string(i);
      if (!std::isfinite(r.per) || r.per < 0)
        report(errc::scorecard_deduction, at + "/per", "per " + num(r.per) + " must be a finite number >= 0");
      if (!std::isfinite(r.per_escalated) || r.per_escalated < 0)
        report(errc::scorecard_deduction, at + "/per_escalated",
               "per_escalated " + num(r.per_escalated) + " must be a finite number >= 0");
      if (const auto [it, fresh] = seen.emplace(std::pair{r.source, r.category}, i); !fresh)
        report(errc::scorecard_deduction, at,
               "a second rule for source " + detail::quote_id(r.source.empty() ? "*" : r.source) + ", category " +
                   detail::quote_id(r.category.empty() ? "*" : r.category) + " (first at deductions/" +
                   std::to_string(it->second) + ")");
    }
  }

  void check_formulas_and_names(const scorecard_definition& card) {
    const auto known = unit_names(def_);
    std::vector<std::string> names;
    for (const auto& k : known)
      if (k.unit_level) names.push_back(k.name);
    const auto sources = formula_sources(card, where_);
    if (!sources.empty()) {
      const auto checked = expr::check_formulas(sources, known);
      for (const auto& d : checked.diagnostics()) out_.push_back(d);
    }
    for (const auto& f : card.formulas) names.push_back(f.name);
    const auto known_name = [&](const std::string& n) { return std::find(names.begin(), names.end(), n) != names.end(); };
    if (!card.total.empty() && !known_name(card.total))
      report(errc::scorecard_reference, "/scorecard/total",
             "total names " + detail::quote_id(card.total) + ", which is no component or formula; known: " +
                 detail::id_list(names));
    for (std::size_t i = 0; i < card.tie_break.size(); ++i) {
      const auto& key = card.tie_break[i];
      if (!known_name(key.name))
        report(errc::scorecard_reference, "/scorecard/tie_break/" + std::to_string(i),
               "tie_break key " + detail::quote_id(key.name) + " is no unit-level value; known: " + detail::id_list(names));
    }
  }

  void check_bands(const scorecard_definition& card) {
    std::map<std::string, std::size_t> ids;
    for (std::size_t i = 0; i < card.bands.size(); ++i) {
      const auto& b = card.bands[i];
      const std::string path = "/scorecard/bands/" + std::to_string(i);
      if (b.id.empty()) report(errc::missing_field, path + "/id", "band id is empty, expected a non-empty id");
      else if (const auto [it, fresh] = ids.emplace(b.id, i); !fresh)
        report(errc::duplicate_id, path + "/id", "duplicate band id " + detail::quote_id(b.id));
      if (!std::isfinite(b.from))
        report(errc::scorecard_bands, path + "/from", "from " + num(b.from) + " must be a finite number");
      else if (i > 0 && std::isfinite(card.bands[i - 1].from) && !(b.from < card.bands[i - 1].from))
        report(errc::scorecard_bands, path + "/from",
               "from " + num(b.from) + " is not below the band above (" + num(card.bands[i - 1].from) +
                   "); list bands from the highest to the lowest");
    }
    if (!card.bands.empty() && std::isfinite(card.bands.back().from) && card.bands.back().from > 0)
      report(errc::scorecard_bands, "/scorecard/bands/" + std::to_string(card.bands.size() - 1) + "/from",
             "the lowest band starts at " + num(card.bands.back().from) +
                 ", expected 0 or less so that every total falls in a band");
  }

  const instrument& def_;
  const source_map& where_;
  std::vector<diagnostic> out_;
};

}  // namespace scorecard_detail

// Every problem of def.scorecard (nothing when the definition has no scorecard).
[[nodiscard]] inline std::vector<diagnostic> check_scorecard(const instrument& def, const source_map& where = {}) {
  if (!def.scorecard) return {};
  return scorecard_detail::scorecard_checker(def, where).run();
}

}  // namespace qscore
