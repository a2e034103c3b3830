// write_comparison_csv(out, comparison): the comparison as one long table, for spreadsheets.
//
// Columns: unit_id, unit_label, status, kind, id, label, old, new, delta
// One row per unit and kind, in this order for each unit (new report order, then removed units):
//   total, rank, survey_total, score      id and label empty; rank delta = old − new (up > 0)
//   component                             one row per scorecard component (scorecard basis)
//   group, dimension                      one row per group (mean) and dimension (score)
//   item_mean_points, item_satisfaction_rate   two rows per item
// Other deltas are new − old. A value not published, and a delta that needs one, is an empty
// field. Format as write_csv: RFC 4180, CRLF, text cells guarded against formula injection,
// numbers in shortest round-trip form or with write_options::decimals digits.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "qscore/compare/compare.hpp"
#include "qscore/io/write_csv.hpp"
#include "qscore/io/write_options.hpp"

namespace qscore {

inline void write_comparison_csv(std::ostream& out, const comparison& c, const write_options& options = {}) {
  using detail::csv_number;
  using detail::csv_text;
  constexpr std::string_view eol = "\r\n";
  if (options.csv_bom) out << "\xEF\xBB\xBF";
  out << "unit_id,unit_label,status,kind,id,label,old,new,delta" << eol;
  const auto integer = [](const std::optional<int>& value) {
    return value ? std::to_string(*value) : std::string();
  };
  for (const auto& u : c.units) {
    const std::string unit = csv_text(u.id) + ',' + csv_text(u.label) + ',' + presence_name(u.status) + ',';
    const auto row = [&](std::string_view kind, std::string_view id, std::string_view label, const value_change& v) {
      out << unit << kind << ',' << csv_text(id) << ',' << csv_text(label) << ',' << csv_number(v.old_value, options)
          << ',' << csv_number(v.new_value, options) << ',' << csv_number(v.delta, options) << eol;
    };
    row("total", "", "", u.total);
    out << unit << "rank,,," << integer(u.rank.old_rank) << ',' << integer(u.rank.new_rank) << ','
        << integer(u.rank.delta) << eol;
    row("survey_total", "", "", u.survey_total);
    row("score", "", "", u.score);
    for (const auto& e : u.components) row("component", e.id, e.label, e.change);
    for (const auto& e : u.groups) row("group", e.id, e.label, e.change);
    for (const auto& e : u.dimensions) row("dimension", e.id, e.label, e.change);
    for (const auto& i : u.items) {
      row("item_mean_points", i.id, i.label, i.mean_points);
      row("item_satisfaction_rate", i.id, i.label, i.satisfaction_rate);
    }
  }
}

}  // namespace qscore
