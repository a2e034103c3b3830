// write_csv(out, report): the unit x group table, one row per (unit, group), for spreadsheets.
//
// Columns (in this order; the header row names them):
//   unit_id, unit_label, rank, unit_total, group_id, group_label, n, weighted_n, mean, share,
//   share_used, sd, se, ci_low, ci_high, min, q1, median, q3, max (the group's statistics, README
//   "Statistics"), unit_total_se, unit_total_ci_low, unit_total_ci_high, rank_low, rank_high,
//   suppressed, n_below (README "Privacy": "below_min_cell" with n_below = min_cell, or
//   "complement", or empty; a withheld cell has empty n, weighted_n, mean and statistics)
// With derived formulas (the definition's `formulas:`), one more column per formula,
// `derived.<name>`: the unit's derived score (like unit_total, the same on each of its rows).
// With a composite scorecard: card_total, card_rank, card_band, card_vetoed,
//   card_not_ranked_reason, card_<component id>... appended last (see csv_scorecard_header).
// Units come in report order (ranked by rank, then unranked); groups in definition order.
//
// Format: RFC 4180. Fields are separated by commas and records end in CRLF; a field that holds a
// comma, a double quote, CR or LF is enclosed in double quotes, with inner quotes doubled. Text is
// UTF-8 (invalid bytes become U+FFFD); write_options::csv_bom adds a byte order mark.
// Text cells (ids and labels, which come from user files) that begin with = + - @ TAB or CR are
// prefixed with a single quote, so that a spreadsheet shows them as text instead of running them
// as a formula ("formula injection").
// Numbers: integers as integers; other numbers in their shortest round-trip form, or fixed-point
// with write_options::decimals digits when set. A missing value (no rank, no total, no mean) is
// an empty field.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "qscore/detail/display_width.hpp"
#include "qscore/detail/number_format.hpp"
#include "qscore/io/write_options.hpp"
#include "qscore/report/report.hpp"

namespace qscore {
namespace detail {

// One text cell, escaped and quoted as described above.
[[nodiscard]] inline std::string csv_text(std::string_view text) {
  std::string cell = sanitize_utf8(text);
  if (!cell.empty()) {
    const char first = cell.front();
    if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r')
      cell.insert(cell.begin(), '\'');
  }
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (const char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

[[nodiscard]] inline std::string csv_number(double value, const write_options& options) {
  return options.decimals ? format_fixed(value, *options.decimals) : format_shortest(value);
}

[[nodiscard]] inline std::string csv_number(const std::optional<double>& value, const write_options& options) {
  return value ? csv_number(*value, options) : std::string();
}

// With a composite scorecard, columns appended to every row: card_total, card_rank, card_band,
// card_vetoed (true/false), card_not_ranked_reason, then card_<component id> for each component.
[[nodiscard]] inline std::string csv_scorecard_header(const report& r) {
  if (!r.scorecard) return {};
  std::string out = ",card_total,card_rank,card_band,card_vetoed,card_not_ranked_reason";
  if (!r.scorecard->units.empty())
    for (const auto& c : r.scorecard->units.front().components) out += "," + csv_text("card_" + c.id);
  return out;
}

[[nodiscard]] inline std::string csv_scorecard_cells(const report& r, const std::string& unit_id,
                                                     const write_options& options) {
  if (!r.scorecard) return {};
  for (const auto& u : r.scorecard->units) {
    if (u.id != unit_id) continue;
    std::string out = "," + csv_number(u.total, options) + "," + (u.rank ? std::to_string(*u.rank) : std::string()) +
                      "," + csv_text(u.band) + "," + (u.vetoed ? "true" : "false") + "," + csv_text(u.not_ranked_reason);
    for (const auto& c : u.components) out += "," + csv_number(c.value, options);
    return out;
  }
  return {};
}

}  // namespace detail

// Writes the unit x group table as CSV. Check `out` afterwards for write errors.
inline void write_csv(std::ostream& out, const report& r, const write_options& options = {}) {
  using detail::csv_number;
  using detail::csv_text;
  constexpr std::string_view eol = "\r\n";
  if (options.csv_bom) out << "\xEF\xBB\xBF";
  out << "unit_id,unit_label,rank,unit_total,group_id,group_label,n,weighted_n,mean,share,share_used,"
         "sd,se,ci_low,ci_high,min,q1,median,q3,max,unit_total_se,unit_total_ci_low,unit_total_ci_high,"
         "rank_low,rank_high,suppressed,n_below";
  for (const auto& id : r.derived_ids) out << ',' << csv_text("derived." + id);
  out << detail::csv_scorecard_header(r) << eol;
  const auto integer = [](const std::optional<int>& value) {
    return value ? std::to_string(*value) : std::string();
  };
  for (const auto& u : r.units) {
    const std::string unit_part = csv_text(u.id) + ',' + csv_text(u.label) + ',' + integer(u.rank) + ',' +
                                  csv_number(u.total, options);
    const std::string unit_stats = csv_number(u.total_se, options) + ',' + csv_number(u.total_ci_low, options) +
                                   ',' + csv_number(u.total_ci_high, options) + ',' + integer(u.rank_low) + ',' +
                                   integer(u.rank_high);
    std::string derived_part;
    for (std::size_t f = 0; f < r.derived_ids.size(); ++f)
      derived_part += ',' + (f < u.derived.size() ? csv_number(u.derived[f].score, options) : std::string());
    const std::string card_part = detail::csv_scorecard_cells(r, u.id, options);
    for (const auto& g : u.groups) {
      const value_summary& st = g.stats;
      const bool withheld = g.suppressed != suppression::none;
      out << unit_part << ',' << csv_text(g.id) << ',' << csv_text(g.label) << ','
          << (withheld ? std::string() : detail::format_integer(g.n)) << ','
          << (withheld ? std::string() : csv_number(g.weighted_n, options)) << ',' << csv_number(g.mean, options) << ','
          << csv_number(g.share, options) << ',' << csv_number(g.share_used, options) << ','
          << csv_number(st.sd, options) << ',' << csv_number(st.se, options) << ','
          << csv_number(st.ci_low, options) << ',' << csv_number(st.ci_high, options) << ','
          << csv_number(st.min, options) << ',' << csv_number(st.q1, options) << ','
          << csv_number(st.median, options) << ',' << csv_number(st.q3, options) << ','
          << csv_number(st.max, options) << ',' << unit_stats << ','
          << (g.suppressed == suppression::below_min_cell ? "below_min_cell"
              : g.suppressed == suppression::complement ? "complement"
                                                        : "")
          << ',' << (g.suppressed == suppression::below_min_cell ? detail::format_integer(r.min_cell) : std::string())
          << derived_part << card_part << eol;
    }
  }
}

}  // namespace qscore
