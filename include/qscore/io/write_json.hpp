// write_json(out, report): the report as one JSON document, for programs.
//
// Field names and their order are part of the public contract (stable; new fields are only ever
// appended to an object). Numbers are written in their shortest round-trip form; a value the
// report does not have (an optional without a value, an empty reason) is null. Text is UTF-8;
// bytes that are not valid UTF-8 are replaced by U+FFFD. Equal reports give identical bytes.
//
//   qscore_version            string   version of the library that wrote the report
//   questionnaire             object   id, version, title, points, language
//   accounting                object
//     rows_read, scored, void, rejected, rejected_without_unit   integers;
//                                      rows_read == scored + void + rejected
//     rejected_by_reason      object   error id -> count, e.g. {"R204": 3}, ids in ascending order
//     reconciles              bool     rows_read == scored + void + rejected
//     rejection_samples       array    the first rejected rows:
//                                      {line (null when unknown), id, column, value, expected}
//   ranking                   object   min_valid (integer), decimals (integer or null)
//   units                     array    ranked units by rank, then unranked units:
//     id, label
//     rank                    integer or null      competition rank (1, 2, 2, 4)
//     ranked                  bool
//     not_ranked_reason       string or null
//     total                   number or null       score * points / 100
//     score                   number or null       0..100, sum over groups of share_used * mean
//     valid, void, rejected   integers             ballots of this unit
//     shares_renormalised     bool                 a group with a share had no valid ballot
//     groups                  array  {id, label, n, weighted_n, mean (or null), share, share_used, void}
//     dimensions              array  {id, label, score (or null), points (or null)}
//     items                   array  {id, label, answered, non_answers, blank, mean_points,
//                                     satisfaction_rate, dont_know_rate (each number or null),
//                                     options: [{code, label, count, share, non_answer, positive}]}
//   groups                    array    each group pooled over all units:
//                                      {id, label, n, weighted_n, mean (or null), void}
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "qscore/core/diagnostic.hpp"
#include "qscore/io/write_options.hpp"
#include "qscore/report/report.hpp"
#include "qscore/version.hpp"

namespace qscore {
namespace detail {

template <class T>
nlohmann::ordered_json json_or_null(const std::optional<T>& value) {
  if (!value) return nullptr;
  return *value;
}

inline nlohmann::ordered_json json_text_or_null(const std::string& text) {
  if (text.empty()) return nullptr;
  return text;
}

inline nlohmann::ordered_json json_group(const group_result& g, bool with_shares) {
  nlohmann::ordered_json out;
  out["id"] = g.id;
  out["label"] = g.label;
  out["n"] = g.n;
  out["weighted_n"] = g.weighted_n;
  out["mean"] = json_or_null(g.mean);
  if (with_shares) {
    out["share"] = g.share;
    out["share_used"] = g.share_used;
  }
  out["void"] = g.void_ballots;
  return out;
}

inline nlohmann::ordered_json json_item(const item_result& item) {
  nlohmann::ordered_json out;
  out["id"] = item.id;
  out["label"] = item.label;
  out["answered"] = item.answered;
  out["non_answers"] = item.non_answers;
  out["blank"] = item.blank;
  out["mean_points"] = json_or_null(item.mean_points);
  out["satisfaction_rate"] = json_or_null(item.satisfaction_rate);
  out["dont_know_rate"] = json_or_null(item.dont_know_rate);
  nlohmann::ordered_json options = nlohmann::ordered_json::array();
  for (const auto& o : item.options) {
    nlohmann::ordered_json option;
    option["code"] = o.code;
    option["label"] = o.label;
    option["count"] = o.count;
    option["share"] = o.share;
    option["non_answer"] = o.non_answer;
    option["positive"] = o.positive;
    options.push_back(std::move(option));
  }
  out["options"] = std::move(options);
  return out;
}

inline nlohmann::ordered_json json_unit(const unit_result& u) {
  nlohmann::ordered_json out;
  out["id"] = u.id;
  out["label"] = u.label;
  out["rank"] = json_or_null(u.rank);
  out["ranked"] = u.rank.has_value();
  out["not_ranked_reason"] = json_text_or_null(u.not_ranked_reason);
  out["total"] = json_or_null(u.total);
  out["score"] = json_or_null(u.score);
  out["valid"] = u.valid;
  out["void"] = u.void_ballots;
  out["rejected"] = u.rejected;
  out["shares_renormalised"] = u.shares_renormalised;
  nlohmann::ordered_json groups = nlohmann::ordered_json::array();
  for (const auto& g : u.groups) groups.push_back(json_group(g, true));
  out["groups"] = std::move(groups);
  nlohmann::ordered_json dimensions = nlohmann::ordered_json::array();
  for (const auto& d : u.dimensions) {
    nlohmann::ordered_json dim;
    dim["id"] = d.id;
    dim["label"] = d.label;
    dim["score"] = json_or_null(d.score);
    dim["points"] = json_or_null(d.points);
    dimensions.push_back(std::move(dim));
  }
  out["dimensions"] = std::move(dimensions);
  nlohmann::ordered_json items = nlohmann::ordered_json::array();
  for (const auto& item : u.items) items.push_back(json_item(item));
  out["items"] = std::move(items);
  return out;
}

}  // namespace detail

// The report as a JSON value (the document write_json writes).
[[nodiscard]] inline nlohmann::ordered_json to_json(const report& r) {
  nlohmann::ordered_json doc;
  doc["qscore_version"] = version_string;

  nlohmann::ordered_json& q = doc["questionnaire"];
  q["id"] = r.questionnaire_id;
  q["version"] = r.questionnaire_version;
  q["title"] = r.title;
  q["points"] = r.points;
  q["language"] = r.language;

  const accounting& a = r.accounting;
  nlohmann::ordered_json& acc = doc["accounting"];
  acc["rows_read"] = a.rows_read;
  acc["scored"] = a.scored;
  acc["void"] = a.void_ballots;
  acc["rejected"] = a.rejected;
  acc["rejected_without_unit"] = a.rejected_without_unit;
  nlohmann::ordered_json by_reason = nlohmann::ordered_json::object();
  for (const auto& reason : a.rejected_by_reason) by_reason[reason.id] = reason.count;
  acc["rejected_by_reason"] = std::move(by_reason);
  acc["reconciles"] = a.reconciles();
  nlohmann::ordered_json samples = nlohmann::ordered_json::array();
  for (const auto& s : a.rejection_samples) {
    nlohmann::ordered_json sample;
    sample["line"] = s.line > 0 ? nlohmann::ordered_json(s.line) : nlohmann::ordered_json(nullptr);
    sample["id"] = error_id(s.code);
    sample["column"] = s.column;
    sample["value"] = s.value;
    sample["expected"] = s.expected;
    samples.push_back(std::move(sample));
  }
  acc["rejection_samples"] = std::move(samples);

  nlohmann::ordered_json& ranking = doc["ranking"];
  ranking["min_valid"] = r.min_valid;
  ranking["decimals"] = detail::json_or_null(r.rank_decimals);

  nlohmann::ordered_json units = nlohmann::ordered_json::array();
  for (const auto& u : r.units) units.push_back(detail::json_unit(u));
  doc["units"] = std::move(units);

  nlohmann::ordered_json groups = nlohmann::ordered_json::array();
  for (const auto& g : r.groups) groups.push_back(detail::json_group(g, false));
  doc["groups"] = std::move(groups);
  return doc;
}

// Writes the report as JSON, followed by a newline. Check `out` afterwards for write errors.
inline void write_json(std::ostream& out, const report& r, const write_options& options = {}) {
  out << to_json(r).dump(options.json_indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
      << '\n';
}

}  // namespace qscore
