// The JSON of the composite scorecard (report::scorecard): the "scorecard" object of the JSON
// report, also used by `qscore explain --format json`. The shape is a contract (`qscore compare`
// reads it; fields are only ever appended):
//   scorecard  {points, total, tie_break[], veto_action, veto_file, units[]}
//   units[]    {id, label, total, rank, band, vetoed, veto_reason, not_ranked_reason,
//               components[], deductions[], band_label, veto_line, tie_break, formulas[]}
//              in scorecard rank order (ranked units by rank, then the others)
//   components {id, label, points, value, input, raw, capped, floored, deducted, count,
//               escalated, file, line}
//   deductions {component, source, category, count, per, points, lines[], escalated,
//               per_escalated, file}
//   formulas   {name, value}
// A value the unit does not have (total, rank, value) is null; empty reasons are "".
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "qscore/scorecard/result.hpp"

namespace qscore::detail {

template <class T>
nlohmann::ordered_json scorecard_json_value(const std::optional<T>& value) {
  if (!value) return nullptr;
  return *value;
}

[[nodiscard]] inline nlohmann::ordered_json json_scorecard_unit(const scorecard_unit& u) {
  nlohmann::ordered_json out;
  out["id"] = u.id;
  out["label"] = u.label;
  out["total"] = scorecard_json_value(u.total);
  out["rank"] = scorecard_json_value(u.rank);
  out["band"] = u.band;
  out["vetoed"] = u.vetoed;
  out["veto_reason"] = u.veto_reason;
  out["not_ranked_reason"] = u.not_ranked_reason;
  nlohmann::ordered_json components = nlohmann::ordered_json::array();
  for (const auto& c : u.components) {
    nlohmann::ordered_json j;
    j["id"] = c.id;
    j["label"] = c.label;
    j["points"] = c.points;
    j["value"] = scorecard_json_value(c.value);
    j["input"] = c.input;
    j["raw"] = scorecard_json_value(c.raw);
    j["capped"] = c.capped;
    j["floored"] = c.floored;
    j["deducted"] = c.deducted;
    j["count"] = c.count;
    j["escalated"] = c.escalated;
    j["file"] = c.file;
    j["line"] = c.line;
    components.push_back(std::move(j));
  }
  out["components"] = std::move(components);
  nlohmann::ordered_json deductions = nlohmann::ordered_json::array();
  for (const auto& d : u.deductions) {
    nlohmann::ordered_json j;
    j["component"] = d.component;
    j["source"] = d.source;
    j["category"] = d.category;
    j["count"] = d.count;
    j["per"] = d.per;
    j["points"] = d.points;
    j["lines"] = d.lines;
    j["escalated"] = d.escalated;
    j["per_escalated"] = d.per_escalated;
    j["file"] = d.file;
    deductions.push_back(std::move(j));
  }
  out["deductions"] = std::move(deductions);
  out["band_label"] = u.band_label;
  out["veto_line"] = u.veto_line;
  out["tie_break"] = u.tie_break;
  nlohmann::ordered_json formulas = nlohmann::ordered_json::array();
  for (const auto& f : u.formulas) formulas.push_back({{"name", f.name}, {"value", scorecard_json_value(f.value)}});
  out["formulas"] = std::move(formulas);
  return out;
}

[[nodiscard]] inline nlohmann::ordered_json json_scorecard(const scorecard_result& s) {
  nlohmann::ordered_json out;
  out["points"] = s.points;
  out["total"] = s.total;
  out["tie_break"] = s.tie_break;
  out["veto_action"] = s.veto_action;
  out["veto_file"] = s.veto_file;
  nlohmann::ordered_json units = nlohmann::ordered_json::array();
  for (const auto& u : s.units) units.push_back(json_scorecard_unit(u));
  out["units"] = std::move(units);
  return out;
}

}  // namespace qscore::detail
