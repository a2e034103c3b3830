// write_comparison_json(out, comparison): the comparison of two reports as one JSON document.
//
// Field names and order are a public contract (new fields are only ever appended). A change is
// {old, new, delta} with delta = new − old; a rank change is {old, new, delta} with delta =
// old − new (positive = moved up). A value not published in a report, and any delta that needs
// it, is null.
//
//   qscore_version     string
//   questionnaire      string   the id both reports share
//   basis              string   "scorecard" (both reports have one) or "survey"
//   top                integer  length of the "moved most" lists
//   old, new           object   {source, version, points}   the reports compared
//   warnings           array    {id, message}: versions, fingerprints, points or languages differ
//   counts             object   {compared, added, removed}  units
//   units              array    new report order, then removed units:
//     id, label, status ("both", "added", "removed")
//     total, rank                       the headline total and rank (see basis)
//     not_ranked_reason  {old, new}     strings or null
//     survey_total, score               units[].total and units[].score of the survey
//     band, vetoed       {old, new}     scorecard basis; null otherwise
//     components         array  {id, label, old, new, delta}   scorecard components' values
//     groups             array  {id, label, old, new, delta}   group means
//     dimensions         array  {id, label, old, new, delta}   dimension scores
//     items              array  {id, label, mean_points: {old, new, delta},
//                                satisfaction_rate: {old, new, delta}}
//     moved_most         object {groups: [...], items: [...]}: {id, label, old, new, delta}, the
//                               top groups by |Δmean| and items by |Δmean_points|
//   moved_most         object   {groups, items} over all units: {unit, unit_label, id, label,
//                               old, new, delta}
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "qscore/compare/compare.hpp"
#include "qscore/io/write_options.hpp"
#include "qscore/version.hpp"

namespace qscore {
namespace detail {

template <class T>
nlohmann::ordered_json compare_json_value(const std::optional<T>& value) {
  if (!value) return nullptr;
  return *value;
}

inline nlohmann::ordered_json compare_json_text(const std::optional<std::string>& text) {
  if (!text || text->empty()) return nullptr;
  return *text;
}

inline void compare_json_fill(nlohmann::ordered_json& out, const value_change& c) {
  out["old"] = compare_json_value(c.old_value);
  out["new"] = compare_json_value(c.new_value);
  out["delta"] = compare_json_value(c.delta);
}

inline nlohmann::ordered_json compare_json_change(const value_change& c) {
  nlohmann::ordered_json out;
  compare_json_fill(out, c);
  return out;
}

inline nlohmann::ordered_json compare_json_entries(const std::vector<entry_change>& list) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& e : list) {
    nlohmann::ordered_json entry;
    entry["id"] = e.id;
    entry["label"] = e.label;
    compare_json_fill(entry, e.change);
    out.push_back(std::move(entry));
  }
  return out;
}

inline nlohmann::ordered_json compare_json_movers(const std::vector<mover>& list, bool with_unit) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& m : list) {
    nlohmann::ordered_json entry;
    if (with_unit) {
      entry["unit"] = m.unit_id;
      entry["unit_label"] = m.unit_label;
    }
    entry["id"] = m.id;
    entry["label"] = m.label;
    compare_json_fill(entry, m.change);
    out.push_back(std::move(entry));
  }
  return out;
}

inline nlohmann::ordered_json compare_json_unit(const unit_change& u) {
  nlohmann::ordered_json out;
  out["id"] = u.id;
  out["label"] = u.label;
  out["status"] = presence_name(u.status);
  out["total"] = compare_json_change(u.total);
  nlohmann::ordered_json& rank = out["rank"];
  rank["old"] = compare_json_value(u.rank.old_rank);
  rank["new"] = compare_json_value(u.rank.new_rank);
  rank["delta"] = compare_json_value(u.rank.delta);
  nlohmann::ordered_json& reason = out["not_ranked_reason"];
  reason["old"] = compare_json_text(u.old_not_ranked_reason);
  reason["new"] = compare_json_text(u.new_not_ranked_reason);
  out["survey_total"] = compare_json_change(u.survey_total);
  out["score"] = compare_json_change(u.score);
  nlohmann::ordered_json& band = out["band"];
  band["old"] = compare_json_text(u.old_band);
  band["new"] = compare_json_text(u.new_band);
  nlohmann::ordered_json& vetoed = out["vetoed"];
  vetoed["old"] = compare_json_value(u.old_vetoed);
  vetoed["new"] = compare_json_value(u.new_vetoed);
  out["components"] = compare_json_entries(u.components);
  out["groups"] = compare_json_entries(u.groups);
  out["dimensions"] = compare_json_entries(u.dimensions);
  nlohmann::ordered_json items = nlohmann::ordered_json::array();
  for (const auto& i : u.items) {
    nlohmann::ordered_json item;
    item["id"] = i.id;
    item["label"] = i.label;
    item["mean_points"] = compare_json_change(i.mean_points);
    item["satisfaction_rate"] = compare_json_change(i.satisfaction_rate);
    items.push_back(std::move(item));
  }
  out["items"] = std::move(items);
  nlohmann::ordered_json& moved = out["moved_most"];
  moved["groups"] = compare_json_movers(u.top_groups, false);
  moved["items"] = compare_json_movers(u.top_items, false);
  return out;
}

}  // namespace detail

[[nodiscard]] inline nlohmann::ordered_json to_json(const comparison& c) {
  nlohmann::ordered_json doc;
  doc["qscore_version"] = version_string;
  doc["questionnaire"] = c.questionnaire_id;
  doc["basis"] = c.basis;
  doc["top"] = c.top;
  nlohmann::ordered_json& before = doc["old"];
  before["source"] = c.old_source;
  before["version"] = c.old_version;
  before["points"] = c.old_points;
  nlohmann::ordered_json& after = doc["new"];
  after["source"] = c.new_source;
  after["version"] = c.new_version;
  after["points"] = c.new_points;
  nlohmann::ordered_json warnings = nlohmann::ordered_json::array();
  for (const auto& w : c.warnings) warnings.push_back({{"id", error_id(w.code)}, {"message", w.message}});
  doc["warnings"] = std::move(warnings);
  nlohmann::ordered_json& counts = doc["counts"];
  counts["compared"] = c.units_compared;
  counts["added"] = c.units_added;
  counts["removed"] = c.units_removed;
  nlohmann::ordered_json units = nlohmann::ordered_json::array();
  for (const auto& u : c.units) units.push_back(detail::compare_json_unit(u));
  doc["units"] = std::move(units);
  nlohmann::ordered_json& moved = doc["moved_most"];
  moved["groups"] = detail::compare_json_movers(c.top_groups, true);
  moved["items"] = detail::compare_json_movers(c.top_items, true);
  return doc;
}

// Writes the comparison as JSON, followed by a newline. Check `out` afterwards for write errors.
inline void write_comparison_json(std::ostream& out, const comparison& c, const write_options& options = {}) {
  out << to_json(c).dump(options.json_indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
}

}  // namespace qscore
