// write_comparison_text(out, comparison): the comparison as aligned text tables, for a terminal.
//
// Layout: a header (questionnaire, the two reports, basis, warnings, unit counts); "Units": per
// unit its old and new rank, the rank change (+ = moved up), old and new total and the change
// (new − old), and the survey total's change when the basis is a scorecard; "Components"
// (scorecard basis): each unit's component changes; "Moved most (all units)": the groups and
// items whose mean moved most; then per unit its own top groups and items. Columns are aligned by
// terminal display width (CJK labels take two columns a character). Numbers have
// write_options::decimals digits (default 2), rates are percentages with one digit and their
// changes percentage points; a positive change has a '+'; a value not published is "-".
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "qscore/compare/compare.hpp"
#include "qscore/io/write_options.hpp"
#include "qscore/io/write_text.hpp"

namespace qscore {
namespace detail {

// "+1.25", "-0.50", "0.00": a sign on every change that does not round to zero.
[[nodiscard]] inline std::string signed_fixed(const std::optional<double>& value, int decimals) {
  if (!value) return "-";
  std::string text = format_fixed(*value, decimals);
  if (*value > 0.0 && text.find_first_not_of("0.") != std::string::npos) text.insert(text.begin(), '+');
  return text;
}

[[nodiscard]] inline std::string signed_rank(const std::optional<int>& delta) {
  if (!delta) return "-";
  return (*delta > 0 ? "+" : "") + std::to_string(*delta);
}

[[nodiscard]] inline std::string rank_text(const std::optional<int>& rank) {
  return rank ? std::to_string(*rank) : std::string("-");
}

inline void write_movers(std::ostream& out, const std::vector<mover>& list, bool with_unit, const char* caption,
                         const char* what, const text_format& fmt, const std::string& indent) {
  if (list.empty()) return;
  std::vector<text_table::column> columns;
  if (with_unit) columns.push_back({"unit", align::left});
  columns.push_back({what, align::left});
  columns.push_back({"old", align::right});
  columns.push_back({"new", align::right});
  columns.push_back({"change", align::right});
  text_table table(std::move(columns));
  for (const auto& m : list) {
    std::vector<std::string> row;
    if (with_unit) row.push_back(fmt.label(m.unit_label));
    row.push_back(fmt.label(m.label));
    row.push_back(fmt.number(m.change.old_value));
    row.push_back(fmt.number(m.change.new_value));
    row.push_back(signed_fixed(m.change.delta, fmt.decimals));
    table.add_row(std::move(row));
  }
  out << '\n';
  table.render(out, caption, indent);
}

}  // namespace detail

// Writes the comparison as aligned text tables. Check `out` afterwards for write errors.
inline void write_comparison_text(std::ostream& out, const comparison& c, const write_options& options = {}) {
  using detail::align;
  using detail::format_shortest;
  using detail::text_cell;
  detail::text_format fmt;
  fmt.decimals = options.decimals.value_or(2);
  fmt.label_width = options.max_label_width;
  const bool scorecard = c.basis == "scorecard";

  out << "questionnaire: " << text_cell(c.questionnaire_id, 0) << '\n';
  out << "old: " << text_cell(c.old_source, 0);
  if (!c.old_version.empty()) out << " (version " << text_cell(c.old_version, 0) << ")";
  out << "\nnew: " << text_cell(c.new_source, 0);
  if (!c.new_version.empty()) out << " (version " << text_cell(c.new_version, 0) << ")";
  out << "\nbasis: " << (scorecard ? "scorecard totals" : "survey totals") << " (points "
      << format_shortest(c.new_points) << "); change = new - old, rank change = old - new (+ = moved up)\n";
  for (const auto& w : c.warnings) out << "warning[" << error_id(w.code) << "] " << text_cell(w.message, 0) << '\n';
  out << "units: " << c.units_compared << " compared, " << c.units_added << " added, " << c.units_removed
      << " removed\n";

  std::vector<detail::text_table::column> columns{{"unit", align::left},      {"status", align::left},
                                                  {"old rank", align::right}, {"new rank", align::right},
                                                  {"rank change", align::right}, {"old total", align::right},
                                                  {"new total", align::right}, {"change", align::right}};
  if (scorecard) columns.push_back({"survey change", align::right});
  detail::text_table units(std::move(columns));
  for (const auto& u : c.units) {
    std::vector<std::string> row{fmt.label(u.label),
                                 presence_name(u.status),
                                 detail::rank_text(u.rank.old_rank),
                                 detail::rank_text(u.rank.new_rank),
                                 detail::signed_rank(u.rank.delta),
                                 fmt.number(u.total.old_value),
                                 fmt.number(u.total.new_value),
                                 detail::signed_fixed(u.total.delta, fmt.decimals)};
    if (scorecard) row.push_back(detail::signed_fixed(u.survey_total.delta, fmt.decimals));
    units.add_row(std::move(row));
  }
  out << '\n';
  units.render(out, "Units", "");

  if (scorecard) {
    detail::text_table components({{"unit", align::left}, {"component", align::left}, {"old", align::right},
                                   {"new", align::right}, {"change", align::right}});
    for (const auto& u : c.units)
      for (const auto& e : u.components)
        components.add_row({fmt.label(u.label), fmt.label(e.label), fmt.number(e.change.old_value),
                            fmt.number(e.change.new_value), detail::signed_fixed(e.change.delta, fmt.decimals)});
    if (!components.empty()) {
      out << '\n';
      components.render(out, "Components", "");
    }
  }

  detail::write_movers(out, c.top_groups, true, "Groups that moved most (mean)", "group", fmt, "");
  detail::write_movers(out, c.top_items, true, "Items that moved most (mean points)", "item", fmt, "");
  for (const auto& u : c.units) {
    if (u.top_groups.empty() && u.top_items.empty()) continue;
    const std::string heading = "Unit " + text_cell(u.label, 0) + (u.label != u.id ? " (" + text_cell(u.id, 0) + ")" : "");
    out << '\n' << heading << '\n';
    detail::write_movers(out, u.top_groups, false, "  Groups that moved most", "group", fmt, "  ");
    detail::write_movers(out, u.top_items, false, "  Items that moved most", "item", fmt, "  ");
  }
}

}  // namespace qscore
