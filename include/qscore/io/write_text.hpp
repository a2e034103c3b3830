// write_text(out, report): the report as aligned plain-text tables, for a terminal.
//
// Layout (each table is a block: a caption line, a header row, a rule of dashes, then rows; blocks
// are separated by blank lines, and every line of a table has the same display width):
//   - header: title, questionnaire id and version, points, rows read = scored + void + rejected,
//     and rejections by reason when there are any;
//   - Ranking: rank, unit, total (on `points`), score (of 100), valid, void, rejected, and, when
//     some unit is not ranked, a note saying why; a '*' after the total marks a unit whose group
//     shares were renormalised (explained in a footnote);
//   - when the report has standard errors: a "95% CI" column (of the total) and a "rank 95%"
//     column (the bootstrap rank interval) in the Ranking, and a "Rank uncertainty" table: each
//     unit against the next one down, the difference of totals, its SE and p, and whether the
//     two are distinguishable at the 5% level;
//   - Composite scorecard, when the report has one: rank, unit, total, band, each component,
//     a note (veto, not ranked, tie-break), then the deductions with their source rows;
//   - per unit (unless write_options::text_details is false): its groups (n, mean, sd, se, 95%
//     CI, median and quartiles, share used), its dimension sub-scores (with se and 95% CI), and
//     its items (satisfaction rate with its Wilson 95% interval, don't-know rate, mean points,
//     sd, median);
//     and, with derived formulas, their values (mean per unit, n, se, 95% CI);
//   - with respondent formulas, header lines for void ballots by reason, each check (failed
//     rows and action) and divisions by zero per formula;
//   - the groups pooled over all units (n, void, mean, sd, se, 95% CI);
//   - Reliability, when the report has it: per scale (and group), alpha raw and standardised,
//     then per item the item-rest correlation and alpha if the item is dropped.
// Withheld counts (README "Privacy") read "<5" (fewer than min_cell valid ballots) or "x"
// (withheld to protect such a cell), with a footnote under the Ranking; their values are "-".
// Columns are aligned by terminal display width, so CJK labels (two columns a character) line
// up. Totals, scores and means have write_options::decimals digits (default: the report's ranking
// decimals, else 2); rates and shares are percentages with one digit. A missing value is "-".
// Labels in table cells wider than write_options::max_label_width are cut (titles and headings
// are not); control characters in labels become spaces and invalid UTF-8 becomes U+FFFD, so a
// label can never break the layout.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "qscore/detail/display_width.hpp"
#include "qscore/detail/number_format.hpp"
#include "qscore/io/write_options.hpp"
#include "qscore/report/report.hpp"
#include "qscore/report/unit_items.hpp"

namespace qscore {
namespace detail {

// A label made safe for one table cell: valid UTF-8, no control characters, at most `width`
// columns (0 = any width).
[[nodiscard]] inline std::string text_cell(std::string_view text, std::size_t width) {
  std::string cell = sanitize_utf8(text);
  for (char& c : cell) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) c = ' ';
  }
  // C1 controls (U+0080..U+009F) are two bytes, 0xC2 0x80..0x9F: blank them too.
  for (std::size_t i = 0; i + 1 < cell.size(); ++i) {
    if (static_cast<unsigned char>(cell[i]) == 0xC2 && static_cast<unsigned char>(cell[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(cell[i + 1]) <= 0x9F) {
      cell.replace(i, 2, " ");
    }
  }
  return width > 0 ? truncate_to_width(cell, width) : cell;
}

enum class align : unsigned char { left, right };

// A table aligned by display width.
class text_table {
 public:
  struct column {
    std::string header;
    align alignment = align::left;
  };

  explicit text_table(std::vector<column> columns) : columns_(std::move(columns)) {}

  void add_row(std::vector<std::string> cells) {
    cells.resize(columns_.size());
    rows_.push_back(std::move(cells));
  }

  [[nodiscard]] bool empty() const { return rows_.empty(); }

  // Caption line, header row, rule, rows; each line is `indent` + the cells joined by two spaces.
  void render(std::ostream& out, std::string_view caption, std::string_view indent) const {
    std::vector<std::size_t> widths(columns_.size(), 0);
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      widths[c] = display_width(columns_[c].header);
      for (const auto& row : rows_) widths[c] = std::max(widths[c], display_width(row[c]));
    }
    std::size_t total = 0;
    for (std::size_t c = 0; c < widths.size(); ++c) total += widths[c] + (c > 0 ? 2 : 0);

    out << caption << '\n';
    std::vector<std::string> headers;
    for (const auto& col : columns_) headers.push_back(col.header);
    line(out, indent, headers, widths);
    out << indent << std::string(total, '-') << '\n';
    for (const auto& row : rows_) line(out, indent, row, widths);
  }

 private:
  void line(std::ostream& out, std::string_view indent, const std::vector<std::string>& cells,
            const std::vector<std::size_t>& widths) const {
    std::string text(indent);
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (c > 0) text += "  ";
      text += columns_[c].alignment == align::right ? pad_left(cells[c], widths[c])
                                                    : pad_right(cells[c], widths[c]);
    }
    out << text << '\n';
  }

  std::vector<column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

struct text_format {
  int decimals = 2;
  std::size_t label_width = 40;
  std::int64_t min_cell = 1;

  // A count, or its privacy marker.
  [[nodiscard]] std::string count(std::int64_t n, suppression s) const {
    if (s == suppression::below_min_cell) return "<" + format_integer(min_cell);
    if (s == suppression::complement) return "x";
    return format_integer(n);
  }

  [[nodiscard]] std::string number(const std::optional<double>& value) const {
    return value ? format_fixed(*value, decimals) : std::string("-");
  }
  [[nodiscard]] std::string percent(const std::optional<double>& rate) const {
    return rate ? format_fixed(*rate * 100.0, 1) + "%" : std::string("-");
  }
  [[nodiscard]] std::string label(std::string_view text) const { return text_cell(text, label_width); }
  [[nodiscard]] std::string range(const std::optional<double>& low, const std::optional<double>& high) const {
    return low && high ? "[" + number(low) + ", " + number(high) + "]" : std::string("-");
  }
  [[nodiscard]] std::string percent_range(const std::optional<double>& low, const std::optional<double>& high) const {
    return low && high ? "[" + percent(low) + ", " + percent(high) + "]" : std::string("-");
  }
  [[nodiscard]] static std::string ratio(const std::optional<double>& value) {
    return value ? format_fixed(*value, 3) : std::string("-");
  }
};

// `items`: the unit's items (items_of: its own, or made from a report's deferred counts).
inline void write_unit_details(std::ostream& out, const unit_result& u, const std::vector<item_result>& unit_items,
                               const report& r, const text_format& fmt) {
  const std::string indent = "  ";
  std::string heading = "Unit " + text_cell(u.label, 0);
  if (u.label != u.id) heading += " (" + text_cell(u.id, 0) + ")";
  heading += ": ";
  heading += u.rank ? "rank " + std::to_string(*u.rank) : std::string("not ranked");
  heading += ", total " + fmt.number(u.total) + " of " + format_shortest(r.points) + ", score " +
             fmt.number(u.score) + " of 100";
  if (u.shares_renormalised) heading += " *";

  text_table groups({{"group", align::left}, {"n", align::right}, {"mean", align::right},
                     {"share used", align::right}, {"sd", align::right}, {"se", align::right},
                     {"95% CI", align::right}, {"q1", align::right}, {"median", align::right},
                     {"q3", align::right}});
  for (const auto& g : u.groups)
    groups.add_row({fmt.label(g.label), fmt.count(g.n, g.suppressed), fmt.number(g.mean),
                    g.share_used > 0.0 ? fmt.percent(g.share_used) : std::string("-"), fmt.number(g.stats.sd),
                    fmt.number(g.stats.se), fmt.range(g.stats.ci_low, g.stats.ci_high), fmt.number(g.stats.q1),
                    fmt.number(g.stats.median), fmt.number(g.stats.q3)});
  out << '\n';
  groups.render(out, heading, indent);

  if (!u.dimensions.empty()) {
    text_table dimensions({{"dimension", align::left}, {"score", align::right},
                           {"points", align::right}, {"se", align::right}, {"95% CI", align::right}});
    for (const auto& d : u.dimensions)
      dimensions.add_row({fmt.label(d.label), fmt.number(d.score), fmt.number(d.points), fmt.number(d.se),
                          fmt.range(d.ci_low, d.ci_high)});
    out << '\n';
    dimensions.render(out, indent + "Dimensions", indent);
  }

  if (!u.derived.empty()) {
    text_table derived({{"derived", align::left}, {"mean", align::right}, {"n", align::right},
                        {"se", align::right}, {"95% CI", align::right}});
    for (const auto& d : u.derived)
      derived.add_row({fmt.label(d.label), fmt.number(d.score), format_integer(d.n), fmt.number(d.se),
                       fmt.range(d.ci_low, d.ci_high)});
    out << '\n';
    derived.render(out, indent + "Derived scores", indent);
  }

  if (!unit_items.empty()) {
    text_table items({{"item", align::left}, {"satisfaction", align::right},
                      {"don't know", align::right}, {"mean points", align::right},
                      {"satisfaction 95% CI", align::right}, {"sd", align::right}, {"median", align::right}});
    for (const auto& item : unit_items)
      items.add_row({fmt.label(item.label), fmt.percent(item.satisfaction_rate),
                     fmt.percent(item.dont_know_rate), fmt.number(item.mean_points),
                     fmt.percent_range(item.satisfaction_ci_low, item.satisfaction_ci_high),
                     fmt.number(item.stats.sd), fmt.number(item.stats.median)});
    out << '\n';
    items.render(out, indent + "Items", indent);
  }
}

// The composite scorecard (report::scorecard): one table in scorecard rank order (rank, unit,
// total on the scorecard's points, band, each component's value, a note: veto, why not ranked,
// how a tie was settled), then the deductions behind the counts components with their source rows.
inline void write_scorecard_text(std::ostream& out, const scorecard_result& card, const text_format& fmt) {
  std::vector<text_table::column> columns{{"rank", align::right}, {"unit", align::left},
                                          {"total/" + format_shortest(card.points), align::right}, {"band", align::left}};
  if (!card.units.empty())
    for (const auto& c : card.units.front().components)
      columns.push_back({c.id + "/" + format_shortest(c.points), align::right});
  columns.push_back({"note", align::left});
  text_table table(std::move(columns));
  bool any_deduction = false;
  for (const auto& u : card.units) {
    std::vector<std::string> row{u.rank ? std::to_string(*u.rank) : std::string("-"), fmt.label(u.label),
                                 fmt.number(u.total), fmt.label(u.band_label.empty() ? u.band : u.band_label)};
    for (const auto& c : u.components)
      row.push_back(fmt.number(c.value) + (c.capped ? " (capped)" : c.floored ? " (floor)" : ""));
    std::string note;
    if (u.vetoed) note = "vetoed: " + text_cell(u.veto_reason, 0);
    if (!u.not_ranked_reason.empty() && !(u.vetoed && !u.rank))
      note += (note.empty() ? "" : "; ") + std::string("not ranked: ") + text_cell(u.not_ranked_reason, 0);
    if (!u.tie_break.empty()) note += (note.empty() ? "" : "; ") + text_cell(u.tie_break, 0);
    row.push_back(note);
    table.add_row(std::move(row));
    any_deduction = any_deduction || !u.deductions.empty();
  }
  out << '\n';
  table.render(out, "Composite scorecard (out of " + format_shortest(card.points) + ")", "");
  if (!card.tie_break.empty()) {
    out << "ties on the total are broken by:";
    for (const auto& k : card.tie_break) out << ' ' << text_cell(k, 0);
    out << " ('-': lower is better); units equal on all of them share a rank\n";
  }
  if (!any_deduction) return;
  text_table deductions({{"unit", align::left}, {"component", align::left}, {"source", align::left},
                         {"category", align::left}, {"count", align::right}, {"escalated", align::right},
                         {"points", align::right}, {"rows", align::left}});
  for (const auto& u : card.units)
    for (const auto& d : u.deductions) {
      std::string rows = text_cell(d.file, 0) + ":";
      for (std::size_t i = 0; i < d.lines.size(); ++i) rows += (i > 0 ? "," : "") + std::to_string(d.lines[i]);
      deductions.add_row({fmt.label(u.label), text_cell(d.component, 0), fmt.label(d.source), fmt.label(d.category),
                          format_integer(d.count), format_integer(d.escalated), fmt.number(d.points), rows});
    }
  out << '\n';
  deductions.render(out, "Deductions (count x per + escalated x per_escalated)", "");
}

}  // namespace detail

// Writes the report as aligned text tables. Check `out` afterwards for write errors.
inline void write_text(std::ostream& out, const report& r, const write_options& options = {}) {
  using detail::align;
  using detail::format_integer;
  using detail::format_shortest;
  detail::text_format fmt;
  fmt.decimals = options.decimals.value_or(r.rank_decimals.value_or(2));
  fmt.label_width = options.max_label_width;
  fmt.min_cell = r.min_cell;

  // Header block.
  const accounting& a = r.accounting;
  if (!r.title.empty()) out << detail::text_cell(r.title, 0) << '\n';
  out << "questionnaire: " << detail::text_cell(r.questionnaire_id, 0);
  if (!r.questionnaire_version.empty())
    out << " (version " << detail::text_cell(r.questionnaire_version, 0) << ")";
  if (!r.language.empty()) out << ", language " << detail::text_cell(r.language, 0);
  out << '\n';
  out << "points: " << format_shortest(r.points) << '\n';
  out << "rows read: " << format_integer(a.rows_read) << " = " << format_integer(a.scored) << " scored + "
      << format_integer(a.void_ballots) << " void + " << format_integer(a.rejected) << " rejected";
  if (!a.reconciles()) out << " (DOES NOT RECONCILE)";
  out << '\n';
  if (!a.rejected_by_reason.empty()) {
    out << "rejected by reason:";
    for (std::size_t i = 0; i < a.rejected_by_reason.size(); ++i)
      out << (i > 0 ? ", " : " ") << a.rejected_by_reason[i].id << " "
          << format_integer(a.rejected_by_reason[i].count);
    if (a.rejected_without_unit > 0)
      out << " (" << format_integer(a.rejected_without_unit) << " without a known unit)";
    out << '\n';
  }
  if (!a.void_by_reason.empty()) {
    out << "void by reason:";
    for (std::size_t i = 0; i < a.void_by_reason.size(); ++i)
      out << (i > 0 ? ", " : " ") << detail::text_cell(a.void_by_reason[i].reason, 0) << " "
          << format_integer(a.void_by_reason[i].count);
    out << '\n';
  }
  if (!a.checks.empty()) {
    out << "checks failed:";
    for (std::size_t i = 0; i < a.checks.size(); ++i)
      out << (i > 0 ? ", " : " ") << detail::text_cell(a.checks[i].name, 0) << " "
          << format_integer(a.checks[i].failed) << " (" << a.checks[i].action << ")";
    out << '\n';
  }
  if (!a.division_by_zero.empty()) {
    out << "division by zero (rows):";
    for (std::size_t i = 0; i < a.division_by_zero.size(); ++i)
      out << (i > 0 ? ", " : " ") << detail::text_cell(a.division_by_zero[i].formula, 0) << " "
          << format_integer(a.division_by_zero[i].rows);
    out << '\n';
  }

  // Ranking. The note column is there only when some unit is not ranked.
  bool any_renormalised = false;
  bool any_unranked = false;
  for (const auto& u : r.units) {
    any_renormalised = any_renormalised || u.shares_renormalised;
    any_unranked = any_unranked || !u.rank;
  }
  std::vector<detail::text_table::column> columns{{"rank", align::right},
                                                  {"unit", align::left},
                                                  {"total/" + format_shortest(r.points), align::right},
                                                  {"score/100", align::right},
                                                  {"valid", align::right},
                                                  {"void", align::right},
                                                  {"rejected", align::right}};
  bool any_se = false;
  for (const auto& u : r.units) any_se = any_se || u.total_se.has_value();
  if (any_se) {
    columns.push_back({"95% CI", align::right});
    columns.push_back({"rank 95%", align::right});
  }
  if (any_unranked) columns.push_back({"note", align::left});
  detail::text_table ranking(std::move(columns));
  for (const auto& u : r.units) {
    std::vector<std::string> row{u.rank ? std::to_string(*u.rank) : std::string("-"), fmt.label(u.label),
                                 fmt.number(u.total) + (u.shares_renormalised ? "*" : " "), fmt.number(u.score),
                                 fmt.count(u.valid, u.suppressed), format_integer(u.void_ballots), format_integer(u.rejected)};
    if (any_se) {
      row.push_back(fmt.range(u.total_ci_low, u.total_ci_high));
      row.push_back(u.rank_low && u.rank_high
                        ? (*u.rank_low == *u.rank_high ? std::to_string(*u.rank_low)
                                                       : "[" + std::to_string(*u.rank_low) + ", " + std::to_string(*u.rank_high) + "]")
                        : std::string("-"));
    }
    if (any_unranked) row.push_back(u.rank ? std::string() : "not ranked: " + detail::text_cell(u.not_ranked_reason, 0));
    ranking.add_row(std::move(row));
  }
  out << '\n';
  ranking.render(out, "Ranking", "");
  if (any_renormalised)
    out << "\n* group shares renormalised over the groups with valid ballots\n";
  bool any_withheld = false;
  for (const auto& u : r.units) {
    any_withheld = any_withheld || u.suppressed != suppression::none;
    for (const auto& g : u.groups) any_withheld = any_withheld || g.suppressed != suppression::none;
  }
  for (const auto& g : r.groups) any_withheld = any_withheld || g.suppressed != suppression::none;
  if (any_withheld)
    out << "\nprivacy: <" << format_integer(r.min_cell) << " = fewer than " << format_integer(r.min_cell)
        << " valid ballots, values withheld; x = withheld so that such a cell cannot be worked back\n";

  // Adjacent units: can a reader tell them apart?
  if (any_se && !r.rank_pairs.empty()) {
    detail::text_table pairs({{"unit", align::left}, {"next", align::left}, {"difference", align::right},
                              {"se", align::right}, {"p", align::right}, {"at 5%", align::left}});
    // Labels by id, found once (a scan of the units per pair was quadratic: 50 million id
    // compares, a tenth of the run, for 5,000 units).
    std::unordered_map<std::string_view, std::string_view> label_of;
    label_of.reserve(r.units.size());
    for (const auto& u : r.units) label_of.insert_or_assign(u.id, u.label);
    const auto label = [&label_of](const std::string& id) {
      const auto found = label_of.find(id);
      return found != label_of.end() ? std::string(found->second) : id;
    };
    for (const auto& p : r.rank_pairs) {
      const std::string upper = label(p.upper), lower = label(p.lower);
      pairs.add_row({fmt.label(upper), fmt.label(lower), fmt.number(p.difference), fmt.number(p.se),
                     p.p && *p.p < 0.001 ? std::string("<0.001") : detail::text_format::ratio(p.p),
                     !p.distinct ? std::string("-") : *p.distinct ? std::string("distinct") : std::string("not distinguishable")});
    }
    out << '\n';
    pairs.render(out, "Rank uncertainty (each unit against the next one down)", "");
  }

  if (r.scorecard) detail::write_scorecard_text(out, *r.scorecard, fmt);

  if (options.text_details) {
    std::vector<item_result> scratch;
    for (std::size_t i = 0; i < r.units.size(); ++i)
      detail::write_unit_details(out, r.units[i], items_of(r, i, scratch), r, fmt);
  }

  // Groups pooled over all units.
  detail::text_table pooled({{"group", align::left}, {"n", align::right}, {"void", align::right},
                             {"mean", align::right}, {"sd", align::right}, {"se", align::right},
                             {"95% CI", align::right}});
  for (const auto& g : r.groups)
    pooled.add_row({fmt.label(g.label), fmt.count(g.n, g.suppressed), format_integer(g.void_ballots),
                    fmt.number(g.mean), fmt.number(g.stats.sd), fmt.number(g.stats.se),
                    fmt.range(g.stats.ci_low, g.stats.ci_high)});
  if (!pooled.empty()) {
    out << '\n';
    pooled.render(out, "All units, by group", "");
  }

  // Reliability: one table of scales, then one of items per scale.
  if (!r.reliability.empty()) {
    detail::text_table scales({{"scale", align::left}, {"group", align::left}, {"missing", align::left},
                               {"n", align::right}, {"items", align::right}, {"alpha", align::right},
                               {"alpha std", align::right}, {"mean r", align::right}});
    for (const auto& rel : r.reliability)
      scales.add_row({fmt.label(rel.label), rel.group.empty() ? std::string("all") : fmt.label(rel.group),
                      rel.missing, rel.suppressed ? std::string("-") : format_integer(rel.n), format_integer(static_cast<std::int64_t>(rel.items.size())),
                      detail::text_format::ratio(rel.alpha), detail::text_format::ratio(rel.alpha_std),
                      detail::text_format::ratio(rel.average_r)});
    out << '\n';
    scales.render(out, "Reliability (Cronbach's alpha)", "");
    for (const auto& rel : r.reliability) {
      detail::text_table items({{"item", align::left}, {"n", align::right}, {"item-rest r", align::right},
                                {"alpha if dropped", align::right}, {"alpha std if dropped", align::right}});
      for (const auto& item : rel.items)
        items.add_row({fmt.label(item.label), format_integer(item.n), detail::text_format::ratio(item.item_rest_r),
                       detail::text_format::ratio(item.alpha_if_dropped),
                       detail::text_format::ratio(item.alpha_std_if_dropped)});
      out << '\n';
      items.render(out, "  " + detail::text_cell(rel.label, 0) + (rel.group.empty() ? "" : ", group " + detail::text_cell(rel.group, 0)), "  ");
    }
  }
}

}  // namespace qscore
