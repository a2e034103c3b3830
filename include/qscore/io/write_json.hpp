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
//
//   scorecard                 object   only when the definition has a `scorecard:` section; see
//                                      io/scorecard_json.hpp (README "Composite scorecard")
//
// Statistics (README "Statistics"), appended to the objects above; every number may be null:
//   units[].groups[], groups[] + sd, se, ci_low, ci_high, min, q1, median, q3, max
//   units[].dimensions[]       + n, weighted_n, se, ci_low, ci_high (of the 0..100 score),
//                                lonely_strata, sd, min, max (of the respondents' dimension
//                                scores, all groups pooled)
//   units[].items[]            + sd, se, ci_low, ci_high, min, q1, median, q3, max (on points),
//                                satisfaction_ci_low, satisfaction_ci_high (Wilson 95%)
//   units[]                    + weighted_n, score_se, score_ci_low, score_ci_high, total_se,
//                                total_ci_low, total_ci_high, rank_low, rank_high,
//                                distinct_from_next (bool or null), p_next, lonely_strata, sd,
//                                min, q1, median, q3, max (respondent scores, groups pooled)
//   statistics                object   confidence, z, strata, stratum_ids, fpc, sampling_weights,
//                                      rank_replicates, rank_seed, reliability (or null)
//   rank_pairs                array    {upper, lower, difference, se, z, p, distinct}
//   reliability               array    {scale, label, group (null = all), missing, n, alpha,
//                                      alpha_std, average_r, items: [{id, label, n, item_rest_r,
//                                      alpha_if_dropped, alpha_std_if_dropped}]}
//
// Privacy (README "Privacy"), appended:
//   units[], units[].groups[], groups[]
//                              + suppressed ("below_min_cell", "complement" or null), n_below
//                                (min_cell when below_min_cell, else null). A withheld entry
//                                writes its counts (n, weighted_n, valid; item and option
//                                counts and shares) as null, and every value as null
//   reliability[]              + suppressed (bool)
//   privacy                   object   min_cell
// rejection_samples[].value is always null: reports carry no answers (stderr and the rejects
// file show them).
// Respondent formulas (README "Formulas in the definition"), only when the definition has
// derived scores, a valid_if or checks:
//   accounting                + void_by_reason (object: "min_answered", "valid_if" or
//                                "check <name>" -> count; reasons with a count),
//                                checks [{name, action, failed}],
//                                division_by_zero [{formula, rows}] (formulas with any)
//   accounting.rejection_samples[]  + check (the check's name) on R220 rows only
//   units[]                   + derived [{id, label, score, n, weighted_n, se, ci_low, ci_high,
//                                lonely_strata, sd, min, max}]
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "qscore/core/diagnostic.hpp"
#include "qscore/detail/ordered_parallel.hpp"
#include "qscore/io/json_stream.hpp"
#include "qscore/io/scorecard_json.hpp"
#include "qscore/io/write_options.hpp"
#include "qscore/report/report.hpp"
#include "qscore/version.hpp"

namespace qscore {
namespace detail {

// An empty JSON object with room for `keys` keys. An ordered_json object keeps its keys in a
// vector of pair<const std::string, json>, whose move constructor may throw (the const key is
// copied), so a growing vector copies every value the object holds, nested arrays and all: a
// unit's items, with their options, were copied twice over, and building the 1.2 MB report of
// the bench pool took longer than writing it out.
inline nlohmann::ordered_json object_with_room(std::size_t keys) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  out.get_ref<nlohmann::ordered_json::object_t&>().reserve(keys);
  return out;
}

template <class T>
nlohmann::ordered_json json_or_null(const std::optional<T>& value) {
  if (!value) return nullptr;
  return *value;
}

inline nlohmann::ordered_json json_text_or_null(const std::string& text) {
  if (text.empty()) return nullptr;
  return text;
}

inline void json_summary(nlohmann::ordered_json& out, const value_summary& s) {
  out["sd"] = json_or_null(s.sd);
  out["se"] = json_or_null(s.se);
  out["ci_low"] = json_or_null(s.ci_low);
  out["ci_high"] = json_or_null(s.ci_high);
  out["min"] = json_or_null(s.min);
  out["q1"] = json_or_null(s.q1);
  out["median"] = json_or_null(s.median);
  out["q3"] = json_or_null(s.q3);
  out["max"] = json_or_null(s.max);
}

inline const char* suppression_name(suppression s) {
  switch (s) {
    case suppression::below_min_cell: return "below_min_cell";
    case suppression::complement: return "complement";
    case suppression::none: break;
  }
  return "";
}

// A count, or null when withheld.
inline nlohmann::ordered_json json_count(std::int64_t count, bool withheld) {
  if (withheld) return nullptr;
  return count;
}

inline void json_suppression(nlohmann::ordered_json& out, suppression s, std::int64_t min_cell) {
  out["suppressed"] = json_text_or_null(suppression_name(s));
  out["n_below"] = s == suppression::below_min_cell ? nlohmann::ordered_json(min_cell) : nlohmann::ordered_json(nullptr);
}

inline nlohmann::ordered_json json_group(const group_result& g, bool with_shares, std::int64_t min_cell = 1) {
  const bool withheld = g.suppressed != suppression::none;
  nlohmann::ordered_json out = object_with_room(32);
  out["id"] = g.id;
  out["label"] = g.label;
  out["n"] = json_count(g.n, withheld);
  out["weighted_n"] = withheld ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(g.weighted_n);
  out["mean"] = json_or_null(g.mean);
  if (with_shares) {
    out["share"] = g.share;
    out["share_used"] = g.share_used;
  }
  out["void"] = g.void_ballots;
  json_summary(out, g.stats);
  json_suppression(out, g.suppressed, min_cell);
  return out;
}

inline nlohmann::ordered_json json_item(const item_result& item, bool withheld = false) {
  nlohmann::ordered_json out = object_with_room(32);
  out["id"] = item.id;
  out["label"] = item.label;
  out["answered"] = json_count(item.answered, withheld);
  out["non_answers"] = json_count(item.non_answers, withheld);
  out["blank"] = json_count(item.blank, withheld);
  out["mean_points"] = json_or_null(item.mean_points);
  out["satisfaction_rate"] = json_or_null(item.satisfaction_rate);
  out["dont_know_rate"] = json_or_null(item.dont_know_rate);
  nlohmann::ordered_json options = nlohmann::ordered_json::array();
  for (const auto& o : item.options) {
    nlohmann::ordered_json option;
    option["code"] = o.code;
    option["label"] = o.label;
    option["count"] = json_count(o.count, withheld);
    option["share"] = withheld ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(o.share);
    option["non_answer"] = o.non_answer;
    option["positive"] = o.positive;
    options.push_back(std::move(option));
  }
  out["options"] = std::move(options);
  json_summary(out, item.stats);
  out["satisfaction_ci_low"] = json_or_null(item.satisfaction_ci_low);
  out["satisfaction_ci_high"] = json_or_null(item.satisfaction_ci_high);
  return out;
}

// The standard error, interval and spread of a dimension's or a derived score's mean, in the
// order both report them.
template <class Score>
void json_precision(nlohmann::ordered_json& out, const Score& s) {
  out["se"] = json_or_null(s.se);
  out["ci_low"] = json_or_null(s.ci_low);
  out["ci_high"] = json_or_null(s.ci_high);
  out["lonely_strata"] = s.lonely_strata;
  out["sd"] = json_or_null(s.stats.sd);
  out["min"] = json_or_null(s.stats.min);
  out["max"] = json_or_null(s.stats.max);
}

inline nlohmann::ordered_json json_unit(const unit_result& u, std::int64_t min_cell, bool with_derived) {
  const bool withheld = u.suppressed != suppression::none;
  nlohmann::ordered_json out = object_with_room(64);
  out["id"] = u.id;
  out["label"] = u.label;
  out["rank"] = json_or_null(u.rank);
  out["ranked"] = u.rank.has_value();
  out["not_ranked_reason"] = json_text_or_null(u.not_ranked_reason);
  out["total"] = json_or_null(u.total);
  out["score"] = json_or_null(u.score);
  out["valid"] = json_count(u.valid, withheld);
  out["void"] = u.void_ballots;
  out["rejected"] = u.rejected;
  out["shares_renormalised"] = u.shares_renormalised;
  nlohmann::ordered_json groups = nlohmann::ordered_json::array();
  for (const auto& g : u.groups) groups.push_back(json_group(g, true, min_cell));
  out["groups"] = std::move(groups);
  nlohmann::ordered_json dimensions = nlohmann::ordered_json::array();
  for (const auto& d : u.dimensions) {
    nlohmann::ordered_json dim;
    dim["id"] = d.id;
    dim["label"] = d.label;
    dim["score"] = json_or_null(d.score);
    dim["points"] = json_or_null(d.points);
    dim["n"] = json_count(d.n, withheld);
    dim["weighted_n"] = withheld ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(d.weighted_n);
    json_precision(dim, d);
    dimensions.push_back(std::move(dim));
  }
  out["dimensions"] = std::move(dimensions);
  nlohmann::ordered_json items = nlohmann::ordered_json::array();
  for (const auto& item : u.items) items.push_back(json_item(item, withheld));
  out["items"] = std::move(items);
  out["weighted_n"] = withheld ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(u.weighted_n);
  out["score_se"] = json_or_null(u.score_se);
  out["score_ci_low"] = json_or_null(u.score_ci_low);
  out["score_ci_high"] = json_or_null(u.score_ci_high);
  out["total_se"] = json_or_null(u.total_se);
  out["total_ci_low"] = json_or_null(u.total_ci_low);
  out["total_ci_high"] = json_or_null(u.total_ci_high);
  out["rank_low"] = json_or_null(u.rank_low);
  out["rank_high"] = json_or_null(u.rank_high);
  out["distinct_from_next"] = json_or_null(u.distinct_from_next);
  out["p_next"] = json_or_null(u.p_next);
  out["lonely_strata"] = u.lonely_strata;
  out["sd"] = json_or_null(u.stats.sd);
  out["min"] = json_or_null(u.stats.min);
  out["q1"] = json_or_null(u.stats.q1);
  out["median"] = json_or_null(u.stats.median);
  out["q3"] = json_or_null(u.stats.q3);
  out["max"] = json_or_null(u.stats.max);
  json_suppression(out, u.suppressed, min_cell);
  if (with_derived) {
    nlohmann::ordered_json derived = nlohmann::ordered_json::array();
    for (const auto& d : u.derived) {
      nlohmann::ordered_json f;
      f["id"] = d.id;
      f["label"] = d.label;
      f["score"] = json_or_null(d.score);
      f["n"] = d.n;
      f["weighted_n"] = d.weighted_n;
      json_precision(f, d);
      derived.push_back(std::move(f));
    }
    out["derived"] = std::move(derived);
  }
  return out;
}

inline nlohmann::ordered_json json_statistics(const statistics_info& s) {
  nlohmann::ordered_json out;
  out["confidence"] = s.confidence;
  out["z"] = s.z;
  out["strata"] = s.strata;
  out["stratum_ids"] = s.stratum_ids;
  out["fpc"] = s.fpc;
  out["sampling_weights"] = s.sampling_weights;
  out["rank_replicates"] = s.rank_replicates;
  out["rank_seed"] = s.rank_seed;
  out["reliability"] = json_text_or_null(s.reliability);
  return out;
}

inline nlohmann::ordered_json json_rank_pair(const rank_pair& p) {
  nlohmann::ordered_json out;
  out["upper"] = p.upper;
  out["lower"] = p.lower;
  out["difference"] = p.difference;
  out["se"] = json_or_null(p.se);
  out["z"] = json_or_null(p.z);
  out["p"] = json_or_null(p.p);
  out["distinct"] = json_or_null(p.distinct);
  return out;
}

inline nlohmann::ordered_json json_reliability(const reliability_result& r) {
  nlohmann::ordered_json out;
  out["scale"] = r.scale;
  out["label"] = r.label;
  out["group"] = json_text_or_null(r.group);
  out["missing"] = r.missing;
  out["n"] = r.n;
  out["alpha"] = json_or_null(r.alpha);
  out["alpha_std"] = json_or_null(r.alpha_std);
  out["average_r"] = json_or_null(r.average_r);
  nlohmann::ordered_json items = nlohmann::ordered_json::array();
  for (const auto& i : r.items) {
    nlohmann::ordered_json item;
    item["id"] = i.id;
    item["label"] = i.label;
    item["n"] = i.n;
    item["item_rest_r"] = json_or_null(i.item_rest_r);
    item["alpha_if_dropped"] = json_or_null(i.alpha_if_dropped);
    item["alpha_std_if_dropped"] = json_or_null(i.alpha_std_if_dropped);
    items.push_back(std::move(item));
  }
  out["items"] = std::move(items);
  out["suppressed"] = r.suppressed;
  return out;
}

}  // namespace detail

namespace detail {

// The report's JSON document; without units, its "units" array is left empty (write_json
// writes them one at a time into that place).
[[nodiscard]] inline nlohmann::ordered_json json_report(const report& r, bool with_units) {
  nlohmann::ordered_json doc = object_with_room(16);
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
    sample["value"] = nullptr;  // an answer: not for reports (README "Privacy")
    sample["expected"] = s.expected;
    if (!s.check.empty()) sample["check"] = s.check;
    samples.push_back(std::move(sample));
  }
  acc["rejection_samples"] = std::move(samples);
  if (r.respondent_formulas) {
    nlohmann::ordered_json voids = nlohmann::ordered_json::object();
    for (const auto& v : a.void_by_reason) voids[v.reason] = v.count;
    acc["void_by_reason"] = std::move(voids);
    nlohmann::ordered_json checks = nlohmann::ordered_json::array();
    for (const auto& c : a.checks) checks.push_back({{"name", c.name}, {"action", c.action}, {"failed", c.failed}});
    acc["checks"] = std::move(checks);
    nlohmann::ordered_json zero = nlohmann::ordered_json::array();
    for (const auto& z : a.division_by_zero) zero.push_back({{"formula", z.formula}, {"rows", z.rows}});
    acc["division_by_zero"] = std::move(zero);
  }

  nlohmann::ordered_json& ranking = doc["ranking"];
  ranking["min_valid"] = r.min_valid;
  ranking["decimals"] = json_or_null(r.rank_decimals);

  nlohmann::ordered_json units = nlohmann::ordered_json::array();
  if (with_units)
    for (const auto& u : r.units) units.push_back(json_unit(u, r.min_cell, r.respondent_formulas));
  doc["units"] = std::move(units);

  nlohmann::ordered_json groups = nlohmann::ordered_json::array();
  for (const auto& g : r.groups) groups.push_back(json_group(g, false, r.min_cell));
  doc["groups"] = std::move(groups);

  doc["statistics"] = json_statistics(r.statistics);
  nlohmann::ordered_json pairs = nlohmann::ordered_json::array();
  for (const auto& p : r.rank_pairs) pairs.push_back(json_rank_pair(p));
  doc["rank_pairs"] = std::move(pairs);
  nlohmann::ordered_json reliability = nlohmann::ordered_json::array();
  for (const auto& rel : r.reliability) reliability.push_back(json_reliability(rel));
  doc["reliability"] = std::move(reliability);
  doc["privacy"]["min_cell"] = r.min_cell;
  if (r.scorecard) doc["scorecard"] = json_scorecard(*r.scorecard);  // io/scorecard_json.hpp
  return doc;
}

}  // namespace detail

// The report as a JSON value (the document write_json writes).
[[nodiscard]] inline nlohmann::ordered_json to_json(const report& r) { return detail::json_report(r, true); }

// Writes the report as JSON, followed by a newline: the bytes of to_json(r).dump(indent) and
// '\n', written a unit at a time so that only one unit's JSON value is in memory at once
// (io/json_stream.hpp). Check `out` afterwards for write errors.
inline void write_json(std::ostream& out, const report& r, const write_options& options = {}) {
  const nlohmann::ordered_json doc = detail::json_report(r, false);
  detail::json_stream json(out, options.json_indent);
  json.open('{');
  bool first = true;
  for (const auto& [name, value] : doc.items()) {
    json.next(first, 0);
    first = false;
    json.key(name);
    if (name != "units") {
      json.value(value, 1);
      continue;
    }
    json.open('[');
    // Each unit's JSON is made on any of the threads and written in unit order: the same bytes
    // for any thread count. At most a wave of units waits in memory as text.
    const unsigned threads = detail::resolved_threads(options.threads);
    detail::render_in_order(
        r.units.size(), threads, 8 * std::size_t{threads},
        [&](std::size_t i) { return json.rendered(detail::json_unit(r.units[i], r.min_cell, r.respondent_formulas), 2); },
        [&](std::size_t i, std::string&& text) {
          json.next(i == 0, 1);
          json.write(text);
        });
    json.close(']', r.units.empty(), 1);
  }
  json.close('}', doc.empty(), 0);
  out << '\n';
}

}  // namespace qscore
