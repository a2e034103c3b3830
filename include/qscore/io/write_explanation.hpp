// Writing an explanation (scorecard/explain.hpp): write_explanation_text for a person (aligned
// tables and the arithmetic spelled out), explanation_json / write_explanation_json for programs.
// Numbers in the text have write_options::decimals digits (default 2); JSON numbers are written
// in full.
#pragma once

#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "qscore/io/scorecard_json.hpp"
#include "qscore/io/write_options.hpp"
#include "qscore/io/write_text.hpp"
#include "qscore/scorecard/explain.hpp"

namespace qscore {

inline void write_explanation_text(std::ostream& out, const explanation& e, const write_options& options = {}) {
  using detail::align;
  using detail::format_integer;
  using detail::format_shortest;
  using detail::text_cell;
  detail::text_format fmt;
  fmt.decimals = options.decimals.value_or(2);
  fmt.label_width = options.max_label_width;

  out << "Unit " << text_cell(e.unit_id, 0) << " (" << text_cell(e.unit_label, 0) << ")\n\n";

  // The survey total's arithmetic.
  detail::text_table groups({{"group", align::left}, {"valid", align::right}, {"void", align::right},
                             {"mean", align::right}, {"share", align::right}, {"share used", align::right},
                             {"share used x mean", align::right}});
  std::string absent;
  for (const auto& g : e.groups) {
    groups.add_row({fmt.label(g.label), format_integer(g.valid), format_integer(g.void_ballots), fmt.number(g.mean),
                    format_shortest(g.share), format_shortest(g.share_used), fmt.number(g.part)});
    if (g.share > 0.0 && g.share_used == 0.0) absent += (absent.empty() ? "" : ", ") + text_cell(g.id, 0);
  }
  groups.render(out, "Survey (" + format_shortest(e.survey_points) + " points): group means and shares", "  ");
  out << "  score = sum of share used x mean = " << fmt.number(e.survey_score) << " of 100";
  if (e.renormalised)
    out << "\n    (shares renormalised: groups without a valid ballot here (" << absent
        << ") are left out and the other shares scaled to add up to 1)";
  else
    out << " (declared shares, not renormalised)";
  out << "\n  survey total = " << fmt.number(e.survey_score) << " x " << format_shortest(e.survey_points)
      << " / 100 = " << fmt.number(e.survey_total) << '\n';
  out << "  survey rank: "
      << (e.survey_rank ? std::to_string(*e.survey_rank)
                        : "not ranked: " + text_cell(e.survey_not_ranked_reason, 0))
      << " (units need at least " << e.min_valid << " valid ballots)\n\n";

  // The ballots.
  out << "Ballots: " << e.valid << " valid, " << e.void_ballots << " void, " << e.rejected << " rejected\n";
  if (e.void_ballots > 0)
    out << "  void: a ballot answering no item, or fewer than " << format_shortest(e.min_answered * 100.0) << "% of the "
        << e.item_count << " items, is void\n";
  if (e.rejected > 0) {
    out << "  rejected rows" << (e.rejections_complete ? "" : " (those among the first rows the report keeps)") << ":\n";
    for (const auto& s : e.rejections)
      out << "    line " << s.line << ": " << text_cell(s.message(), 0) << '\n';
  }

  if (!e.card) return;
  const scorecard_unit& u = *e.card;
  out << '\n';
  detail::text_table components({{"component", align::left}, {"input", align::left}, {"points", align::right},
                                 {"value", align::right}, {"how", align::left}});
  std::string sum;
  for (const auto& c : u.components) {
    std::string how;
    if (c.input == "survey") how = "the survey total above";
    else if (c.input == "values")
      how = c.line > 0 ? text_cell(c.file, 0) + ":" + std::to_string(c.line) + " value " + fmt.number(c.raw) +
                             (c.capped ? ", cut to the cap" : "")
                       : (c.value ? "no row in " + text_cell(c.file, 0) + ": missing_value"
                                  : "no row in " + text_cell(c.file, 0) + ": no value");
    else
      how = format_shortest(c.points) + " - " + fmt.number(c.deducted) + " deducted (" + format_integer(c.count) +
            " complaints, " + format_integer(c.escalated) + " escalated) = " + fmt.number(c.raw) +
            (c.floored ? ", raised to the floor" : "");
    components.add_row({fmt.label(c.label), c.input, format_shortest(c.points), fmt.number(c.value), how});
    sum += (sum.empty() ? "" : " + ") + fmt.number(c.value);
  }
  components.render(out, "Composite scorecard (out of " + format_shortest(e.card_points) + ")", "  ");
  if (!u.deductions.empty()) {
    detail::text_table deductions({{"component", align::left}, {"source", align::left}, {"category", align::left},
                                   {"count", align::right}, {"x per", align::right}, {"escalated", align::right},
                                   {"x per", align::right}, {"points", align::right}, {"source rows", align::left}});
    for (const auto& d : u.deductions) {
      std::string rows = text_cell(d.file, 0) + ": line" + (d.lines.size() > 1 ? "s " : " ");
      for (std::size_t i = 0; i < d.lines.size(); ++i) rows += (i > 0 ? ", " : "") + std::to_string(d.lines[i]);
      deductions.add_row({text_cell(d.component, 0), fmt.label(d.source), fmt.label(d.category), format_integer(d.count),
                          format_shortest(d.per), format_integer(d.escalated), format_shortest(d.per_escalated),
                          fmt.number(d.points), rows});
    }
    out << '\n';
    deductions.render(out, "  Deductions", "  ");
  }
  out << '\n';
  if (e.card_total.empty()) out << "  total = " << sum << " = " << fmt.number(u.total) << '\n';
  else {
    out << "  total = formula '" << text_cell(e.card_total, 0) << "' = " << fmt.number(u.total) << '\n';
    for (const auto& f : u.formulas) out << "    " << text_cell(f.name, 0) << " = " << fmt.number(f.value) << '\n';
  }
  if (u.vetoed)
    out << "  veto: " << text_cell(u.veto_reason, 0) << " (" << text_cell(e.veto_file, 0) << ":" << u.veto_line << "); "
        << (e.veto_action == "exclude" ? "excluded from the ranking" : "placed after every unit not vetoed")
        << ", lowest band\n";
  else if (!e.veto_action.empty())
    out << "  veto: none\n";
  if (!u.band.empty()) out << "  band: " << text_cell(u.band_label, 0) << " (" << text_cell(u.band, 0) << ")\n";
  out << "  rank: " << (u.rank ? std::to_string(*u.rank) : "not ranked: " + text_cell(u.not_ranked_reason, 0)) << '\n';
  if (!u.tie_break.empty()) out << "  tie: " << text_cell(u.tie_break, 0) << '\n';
  if (!e.tie_break.empty()) {
    out << "  tie-break order:";
    for (const auto& k : e.tie_break) out << ' ' << text_cell(k, 0);
    out << '\n';
  }
}

[[nodiscard]] inline nlohmann::ordered_json explanation_json(const explanation& e) {
  using detail::scorecard_json_value;
  nlohmann::ordered_json out;
  out["unit"] = e.unit_id;
  out["label"] = e.unit_label;
  nlohmann::ordered_json& s = out["survey"];
  s["points"] = e.survey_points;
  s["score"] = scorecard_json_value(e.survey_score);
  s["total"] = scorecard_json_value(e.survey_total);
  s["renormalised"] = e.renormalised;
  s["rank"] = scorecard_json_value(e.survey_rank);
  s["not_ranked_reason"] = e.survey_not_ranked_reason;
  s["min_valid"] = e.min_valid;
  nlohmann::ordered_json groups = nlohmann::ordered_json::array();
  for (const auto& g : e.groups)
    groups.push_back({{"id", g.id}, {"label", g.label}, {"valid", g.valid}, {"void", g.void_ballots},
                      {"mean", scorecard_json_value(g.mean)}, {"share", g.share}, {"share_used", g.share_used},
                      {"part", scorecard_json_value(g.part)}});
  s["groups"] = std::move(groups);
  nlohmann::ordered_json& b = out["ballots"];
  b["valid"] = e.valid;
  b["void"] = e.void_ballots;
  b["rejected"] = e.rejected;
  b["min_answered"] = e.min_answered;
  nlohmann::ordered_json rejections = nlohmann::ordered_json::array();
  for (const auto& r : e.rejections)
    rejections.push_back({{"line", r.line}, {"id", error_id(r.code)}, {"column", r.column}, {"value", r.value},
                          {"expected", r.expected}});
  b["rejections"] = std::move(rejections);
  b["rejections_complete"] = e.rejections_complete;
  if (e.card) {
    nlohmann::ordered_json card = detail::json_scorecard_unit(*e.card);
    card["points"] = e.card_points;
    card["total_formula"] = e.card_total;
    card["tie_break_order"] = e.tie_break;
    card["veto_action"] = e.veto_action;
    card["veto_file"] = e.veto_file;
    out["scorecard"] = std::move(card);
  } else {
    out["scorecard"] = nullptr;
  }
  return out;
}

inline void write_explanation_json(std::ostream& out, const explanation& e, const write_options& options = {}) {
  out << explanation_json(e).dump(options.json_indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
      << '\n';
}

}  // namespace qscore
