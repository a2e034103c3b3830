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
#include <vector>

#include <nlohmann/json.hpp>

#include "qscore/core/diagnostic.hpp"
#include "qscore/detail/ordered_parallel.hpp"
#include "qscore/io/json_stream.hpp"
#include "qscore/io/json_writer.hpp"
#include "qscore/io/scorecard_json.hpp"
#include "qscore/io/write_options.hpp"
#include "qscore/report/report.hpp"
#include "qscore/report/unit_items.hpp"
#include "qscore/version.hpp"

namespace qscore {
namespace detail {

// A value, or null when `withheld`.
template <class T>
std::optional<T> unless_withheld(bool withheld, T value) {
  if (withheld) return std::nullopt;
  return value;
}

// Text, or null when empty.
inline std::optional<std::string_view> text_or_null(std::string_view text) {
  if (text.empty()) return std::nullopt;
  return text;
}

// The parts of the report written once for both kinds of output (io/json_writer.hpp): `Json` is
// json_text_writer (write_json) or json_value_builder (to_json).

template <class Json>
void json_summary(Json& j, const value_summary& s) {
  j.member("sd", s.sd);
  j.member("se", s.se);
  j.member("ci_low", s.ci_low);
  j.member("ci_high", s.ci_high);
  j.member("min", s.min);
  j.member("q1", s.q1);
  j.member("median", s.median);
  j.member("q3", s.q3);
  j.member("max", s.max);
}

inline const char* suppression_name(suppression s) {
  switch (s) {
    case suppression::below_min_cell: return "below_min_cell";
    case suppression::complement: return "complement";
    case suppression::none: break;
  }
  return "";
}

template <class Json>
void json_suppression(Json& j, suppression s, std::int64_t min_cell) {
  j.member("suppressed", text_or_null(suppression_name(s)));
  j.member("n_below", unless_withheld(s != suppression::below_min_cell, min_cell));
}

template <class Json>
void json_group(Json& j, const group_result& g, bool with_shares, std::int64_t min_cell = 1) {
  const bool withheld = g.suppressed != suppression::none;
  j.begin_object(32);
  j.member("id", g.id);
  j.member("label", g.label);
  j.member("n", unless_withheld(withheld, g.n));
  j.member("weighted_n", unless_withheld(withheld, g.weighted_n));
  j.member("mean", g.mean);
  if (with_shares) {
    j.member("share", g.share);
    j.member("share_used", g.share_used);
  }
  j.member("void", g.void_ballots);
  json_summary(j, g.stats);
  json_suppression(j, g.suppressed, min_cell);
  j.end_object();
}

template <class Json>
void json_item(Json& j, const item_result& item, bool withheld = false) {
  j.begin_object(32);
  j.member("id", item.id);
  j.member("label", item.label);
  j.member("answered", unless_withheld(withheld, item.answered));
  j.member("non_answers", unless_withheld(withheld, item.non_answers));
  j.member("blank", unless_withheld(withheld, item.blank));
  j.member("mean_points", item.mean_points);
  j.member("satisfaction_rate", item.satisfaction_rate);
  j.member("dont_know_rate", item.dont_know_rate);
  j.key("options");
  j.begin_array();
  for (const auto& o : item.options) {
    j.begin_object(6);
    j.member("code", o.code);
    j.member("label", o.label);
    j.member("count", unless_withheld(withheld, o.count));
    j.member("share", unless_withheld(withheld, o.share));
    j.member("non_answer", o.non_answer);
    j.member("positive", o.positive);
    j.end_object();
  }
  j.end_array();
  json_summary(j, item.stats);
  j.member("satisfaction_ci_low", item.satisfaction_ci_low);
  j.member("satisfaction_ci_high", item.satisfaction_ci_high);
  j.end_object();
}

// The standard error, interval and spread of a dimension's or a derived score's mean, in the
// order both report them.
template <class Json, class Score>
void json_precision(Json& j, const Score& s) {
  j.member("se", s.se);
  j.member("ci_low", s.ci_low);
  j.member("ci_high", s.ci_high);
  j.member("lonely_strata", s.lonely_strata);
  j.member("sd", s.stats.sd);
  j.member("min", s.stats.min);
  j.member("max", s.stats.max);
}

// `items`: the unit's items (items_of: its own, or made from a report's deferred counts).
template <class Json>
void json_unit(Json& j, const unit_result& u, const std::vector<item_result>& items, std::int64_t min_cell,
               bool with_derived) {
  const bool withheld = u.suppressed != suppression::none;
  j.begin_object(64);
  j.member("id", u.id);
  j.member("label", u.label);
  j.member("rank", u.rank);
  j.member("ranked", u.rank.has_value());
  j.member("not_ranked_reason", text_or_null(u.not_ranked_reason));
  j.member("total", u.total);
  j.member("score", u.score);
  j.member("valid", unless_withheld(withheld, u.valid));
  j.member("void", u.void_ballots);
  j.member("rejected", u.rejected);
  j.member("shares_renormalised", u.shares_renormalised);
  j.key("groups");
  j.begin_array();
  for (const auto& g : u.groups) json_group(j, g, true, min_cell);
  j.end_array();
  j.key("dimensions");
  j.begin_array();
  for (const auto& d : u.dimensions) {
    j.begin_object(16);
    j.member("id", d.id);
    j.member("label", d.label);
    j.member("score", d.score);
    j.member("points", d.points);
    j.member("n", unless_withheld(withheld, d.n));
    j.member("weighted_n", unless_withheld(withheld, d.weighted_n));
    json_precision(j, d);
    j.end_object();
  }
  j.end_array();
  j.key("items");
  j.begin_array();
  for (const auto& item : items) json_item(j, item, withheld);
  j.end_array();
  j.member("weighted_n", unless_withheld(withheld, u.weighted_n));
  j.member("score_se", u.score_se);
  j.member("score_ci_low", u.score_ci_low);
  j.member("score_ci_high", u.score_ci_high);
  j.member("total_se", u.total_se);
  j.member("total_ci_low", u.total_ci_low);
  j.member("total_ci_high", u.total_ci_high);
  j.member("rank_low", u.rank_low);
  j.member("rank_high", u.rank_high);
  j.member("distinct_from_next", u.distinct_from_next);
  j.member("p_next", u.p_next);
  j.member("lonely_strata", u.lonely_strata);
  j.member("sd", u.stats.sd);
  j.member("min", u.stats.min);
  j.member("q1", u.stats.q1);
  j.member("median", u.stats.median);
  j.member("q3", u.stats.q3);
  j.member("max", u.stats.max);
  json_suppression(j, u.suppressed, min_cell);
  if (with_derived) {
    j.key("derived");
    j.begin_array();
    for (const auto& d : u.derived) {
      j.begin_object(16);
      j.member("id", d.id);
      j.member("label", d.label);
      j.member("score", d.score);
      j.member("n", d.n);
      j.member("weighted_n", d.weighted_n);
      json_precision(j, d);
      j.end_object();
    }
    j.end_array();
  }
  j.end_object();
}

// A unit, or a group, as a JSON value.
inline nlohmann::ordered_json json_unit_value(const unit_result& u, const std::vector<item_result>& items,
                                              std::int64_t min_cell, bool with_derived) {
  json_value_builder j;
  json_unit(j, u, items, min_cell, with_derived);
  return j.take();
}
inline nlohmann::ordered_json json_group_value(const group_result& g, std::int64_t min_cell) {
  json_value_builder j;
  json_group(j, g, false, min_cell);
  return j.take();
}

// An empty JSON object with room for `keys` keys (see json_value_builder::begin_object).
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
  if (with_units) {
    std::vector<item_result> scratch;
    for (std::size_t i = 0; i < r.units.size(); ++i)
      units.push_back(json_unit_value(r.units[i], items_of(r, i, scratch), r.min_cell, r.respondent_formulas));
  }
  doc["units"] = std::move(units);

  nlohmann::ordered_json groups = nlohmann::ordered_json::array();
  for (const auto& g : r.groups) groups.push_back(json_group_value(g, r.min_cell));
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
// '\n', written a unit at a time, each unit straight to text without a JSON value
// (io/json_stream.hpp, io/json_writer.hpp). Check `out` afterwards for write errors.
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
        [&](std::size_t i) {
          std::string text;
          detail::json_text_writer unit(text, options.json_indent, 2);
          std::vector<item_result> scratch;  // a report with deferred items: this unit's, made here
          detail::json_unit(unit, r.units[i], items_of(r, i, scratch), r.min_cell, r.respondent_formulas);
          return text;
        },
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
