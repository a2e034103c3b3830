// The scorecard's input files, read and checked against the definition: one file per `values` or
// `counts` component, and one for the veto. Every problem is reported with file:line:column, the
// bad value and what was expected (F111-F115); nothing is dropped silently: a row either counts
// or the whole run fails.
//
//   values    unit,value                     one row per unit; value a number in 0..points
//                                            (>= 0 with a cap); a unit without a row takes
//                                            `missing_value`, or is an error without it
//   counts    unit,source,category[,count][,escalated]
//                                            one row per complaint (count absent = 1) or per
//                                            (unit, source, category) with a count; escalated
//                                            (0..count) of them escalated; several rows for one
//                                            unit add up; each row must match a deduction rule
//   veto      unit,reason                    one row per vetoed unit
// Other columns are allowed and ignored (a label column, a note). Units are matched by id or by
// any of their labels.
#pragma once

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <optional>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "qscore/core/diagnostic.hpp"
#include "qscore/model/check.hpp"
#include "qscore/model/instrument.hpp"
#include "qscore/scorecard/table.hpp"

namespace qscore {

struct value_row {
  std::string unit;  // unit id
  double value = 0.0;
  std::int64_t line = 0;
};

struct complaint_row {
  std::string unit;  // unit id
  std::string source;
  std::string category;
  std::int64_t count = 1;
  std::int64_t escalated = 0;
  std::int64_t line = 0;
};

struct veto_row {
  std::string unit;  // unit id
  std::string reason;
  std::int64_t line = 0;
};

struct component_data {
  std::string component;  // component id
  std::string file;       // as given, for messages and the audit trail
  std::vector<value_row> values;
  std::vector<complaint_row> complaints;
};

struct scorecard_inputs {
  std::vector<component_data> components;  // one per values/counts component, definition order
  std::string veto_file;
  std::vector<veto_row> vetoes;

  [[nodiscard]] const component_data* find(std::string_view id) const {
    for (const auto& c : components)
      if (c.component == id) return &c;
    return nullptr;
  }
};

// One input as the caller names it: `--input supervision=sup.csv` gives {"supervision", path};
// `text` set means the content is already in memory (tests) and `file` is only its name.
struct input_source {
  std::string name;  // a values or counts component id, or "veto"
  std::string file;
  std::optional<std::string> text;
};

// A unit the inputs may name: its id and every label text.
struct known_unit {
  std::string id;
  std::vector<std::string> names;
};

namespace scorecard_detail {


inline std::string listing(const std::vector<std::string>& names, std::size_t most = 12) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < most; ++i) out += (i > 0 ? ", " : "") + names[i];
  if (names.size() > most) out += ", ... (" + std::to_string(names.size()) + " in all)";
  return out;
}

// A finite decimal number, as written in a CSV cell (no inf, nan, hex or thousands separators).
inline std::optional<double> parse_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  for (const char c : text)
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  double value = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

inline std::optional<std::int64_t> parse_count(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

// The most specific rule for (source, category), or nullptr.
inline const deduction_rule* match_rule(const scorecard_component& c, std::string_view source,
                                        std::string_view category) {
  const deduction_rule* best = nullptr;
  int best_score = -1;
  for (const auto& r : c.deductions) {
    if (!r.source.empty() && r.source != source) continue;
    if (!r.category.empty() && r.category != category) continue;
    const int score = (r.source.empty() ? 0 : 2) + (r.category.empty() ? 0 : 1);
    if (score > best_score) {
      best = &r;
      best_score = score;
    }
  }
  return best;
}

class input_reader {
 public:
  input_reader(const scorecard_definition& card, const std::vector<known_unit>& units) : card_(card), units_(units) {}

  void read(const std::string& name, const std::string& file, std::string_view text, scorecard_inputs& out) {
    auto parsed = read_table(text, file);
    if (!parsed) {
      for (const auto& d : parsed.diagnostics()) problems.push_back(d);
      return;
    }
    const table& t = *parsed;
    if (name == "veto") {
      out.veto_file = file;
      read_veto(t, out.vetoes);
      return;
    }
    const scorecard_component* c = nullptr;
    for (const auto& candidate : card_.components)
      if (candidate.id == name) c = &candidate;
    component_data data;
    data.component = name;
    data.file = file;
    if (c->input == component_input::values) read_values(t, *c, data.values);
    else read_counts(t, *c, data.complaints);
    out.components.push_back(std::move(data));
  }

  std::vector<diagnostic> problems;

 private:
  void add(errc code, const table& t, const table_field& at, std::string message) {
    problems.push_back(input_problem(code, t.file, at.line, at.column, std::move(message)));
  }

  // The header must name `required`; F112 otherwise. Returns false when a column is missing.
  bool columns(const table& t, std::initializer_list<std::string_view> required, std::string_view shape) {
    bool ok = true;
    for (std::size_t i = 0; i < t.header.fields.size(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (!t.header.fields[i].text.empty() && t.header.fields[i].text == t.header.fields[j].text) {
          add(errc::input_header, t, t.header.fields[i],
              "column " + detail::quote_id(t.header.fields[i].text) + " appears twice in the header (first in column " +
                  std::to_string(j + 1) + ")");
          ok = false;
        }
    for (const auto name : required)
      if (!t.column(name)) {
        std::vector<std::string> found;
        for (const auto& f : t.header.fields) found.push_back(f.text);
        add(errc::input_header, t, t.header.fields.front(),
            "the header lacks the column " + detail::quote_id(name) + "; expected " + std::string(shape) + ", found " +
                listing(found));
        ok = false;
      }
    return ok;
  }

  bool field_count(const table& t, const table_row& row) {
    if (row.fields.size() == t.header.fields.size()) return true;
    add(errc::input_value, t, row.fields.front(),
        "the row has " + std::to_string(row.fields.size()) + " fields, expected " +
            std::to_string(t.header.fields.size()) + " as in the header");
    return false;
  }

  // The unit id for a cell (id or label), or none with F113.
  std::optional<std::string> unit(const table& t, const table_field& cell) {
    if (cell.text.empty()) {
      add(errc::input_unknown_unit, t, cell, "the unit cell is empty, expected a unit id or label");
      return std::nullopt;
    }
    for (const auto& u : units_) {
      if (u.id == cell.text) return u.id;
      for (const auto& n : u.names)
        if (n == cell.text) return u.id;
    }
    std::vector<std::string> ids;
    for (const auto& u : units_) ids.push_back(u.id);
    add(errc::input_unknown_unit, t, cell, "unknown unit " + detail::quote_id(cell.text) + ", expected one of: " + listing(ids));
    return std::nullopt;
  }

  // F114 when `unit` already has a row; remembers it otherwise.
  bool first_row(const table& t, const table_field& cell, const std::string& unit_id, std::int64_t line,
                 std::map<std::string, std::int64_t>& seen) {
    const auto [it, inserted] = seen.emplace(unit_id, line);
    if (inserted) return true;
    add(errc::input_duplicate, t, cell,
        "a second row for unit " + detail::quote_id(unit_id) + " (first on line " + std::to_string(it->second) +
            "); each unit has at most one row in this file");
    return false;
  }

  void read_values(const table& t, const scorecard_component& c, std::vector<value_row>& out) {
    if (!columns(t, {"unit", "value"}, "unit,value")) return;
    const std::size_t u = *t.column("unit"), v = *t.column("value");
    std::map<std::string, std::int64_t> seen;
    const double points = c.points.value_or(0.0);
    for (const auto& row : t.rows) {
      if (!field_count(t, row)) continue;
      const auto id = unit(t, row.fields[u]);
      const auto value = parse_number(row.fields[v].text);
      if (!value) add(errc::input_value, t, row.fields[v],
                      "value " + detail::quote_id(row.fields[v].text) + " is not a number, expected a decimal number such as 7.5");
      else if (*value < 0.0 || (!c.cap && *value > points))
        add(errc::input_value, t, row.fields[v],
            "value " + detail::quote_id(row.fields[v].text) + " is out of range, expected " +
                (c.cap ? std::string("a number >= 0") : "0.." + detail_number(points)) + " for component " +
                detail::quote_id(c.id));
      if (!id || !value || *value < 0.0 || (!c.cap && *value > points)) continue;
      if (!first_row(t, row.fields[u], *id, row.line, seen)) continue;
      out.push_back(value_row{*id, *value, row.line});
    }
  }

  void read_counts(const table& t, const scorecard_component& c, std::vector<complaint_row>& out) {
    if (!columns(t, {"unit", "source", "category"}, "unit,source,category[,count][,escalated]")) return;
    const std::size_t u = *t.column("unit"), s = *t.column("source"), k = *t.column("category");
    const auto n = t.column("count"), e = t.column("escalated");
    for (const auto& row : t.rows) {
      if (!field_count(t, row)) continue;
      complaint_row r;
      r.line = row.line;
      bool ok = true;
      if (const auto id = unit(t, row.fields[u])) r.unit = *id;
      else ok = false;
      r.source = row.fields[s].text;
      r.category = row.fields[k].text;
      if (n) {
        if (const auto count = parse_count(row.fields[*n].text)) r.count = *count;
        else {
          add(errc::input_value, t, row.fields[*n],
              "count " + detail::quote_id(row.fields[*n].text) + " is not a whole number >= 0");
          ok = false;
        }
      }
      if (e) {
        const auto escalated = parse_count(row.fields[*e].text);
        if (!escalated || (ok && *escalated > r.count)) {
          add(errc::input_value, t, row.fields[*e],
              "escalated " + detail::quote_id(row.fields[*e].text) + " is not a whole number in 0.." + std::to_string(r.count) +
                  " (at most the row's count)");
          ok = false;
        } else {
          r.escalated = *escalated;
        }
      }
      if (!match_rule(c, r.source, r.category)) {
        std::vector<std::string> rules;
        for (const auto& rule : c.deductions)
          rules.push_back((rule.source.empty() ? "*" : rule.source) + "/" + (rule.category.empty() ? "*" : rule.category));
        add(errc::input_value, t, row.fields[s],
            "no deduction rule of component " + detail::quote_id(c.id) + " covers source " + detail::quote_id(r.source) +
                ", category " + detail::quote_id(r.category) + "; rules (source/category): " + listing(rules));
        ok = false;
      }
      if (ok) out.push_back(std::move(r));
    }
  }

  void read_veto(const table& t, std::vector<veto_row>& out) {
    if (!columns(t, {"unit", "reason"}, "unit,reason")) return;
    const std::size_t u = *t.column("unit"), r = *t.column("reason");
    std::map<std::string, std::int64_t> seen;
    for (const auto& row : t.rows) {
      if (!field_count(t, row)) continue;
      const auto id = unit(t, row.fields[u]);
      if (row.fields[r].text.empty()) {
        add(errc::input_value, t, row.fields[r], "the reason is empty, expected why the unit is vetoed");
        continue;
      }
      if (!id || !first_row(t, row.fields[u], *id, row.line, seen)) continue;
      out.push_back(veto_row{*id, row.fields[r].text, row.line});
    }
  }

  static std::string detail_number(double v) {
    std::string s = std::to_string(v);
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  }

  const scorecard_definition& card_;
  const std::vector<known_unit>& units_;
};

inline std::optional<std::string> read_whole_file(const std::string& path, std::string& why) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    why = "it does not exist";
    return std::nullopt;
  }
  if (std::filesystem::is_directory(path, ec)) {
    why = "it is a directory";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = "it cannot be opened for reading";
    return std::nullopt;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    why = "a read error occurred";
    return std::nullopt;
  }
  return text;
}

}  // namespace scorecard_detail

// The units an instrument's inputs may name: its declared units (id and every label).
[[nodiscard]] inline std::vector<known_unit> known_units(const instrument& def) {
  std::vector<known_unit> out;
  for (const auto& u : def.units) {
    known_unit k{u.id, {}};
    for (const auto& [lang, text] : u.name.texts()) k.names.push_back(text);
    out.push_back(std::move(k));
  }
  return out;
}

// Reads and checks every input. Fails with every problem found: an input named for no values or
// counts component (nor "veto" when the definition has one), a component or veto without its
// input, and each bad file or row (F111-F115).
[[nodiscard]] inline result<scorecard_inputs> read_scorecard_inputs(const scorecard_definition& card,
                                                                    const std::vector<known_unit>& units,
                                                                    const std::vector<input_source>& sources) {
  using namespace scorecard_detail;
  input_reader reader(card, units);
  scorecard_inputs out;
  std::vector<std::string> wanted;
  for (const auto& c : card.components)
    if (c.input != component_input::survey) wanted.push_back(c.id);
  if (card.veto.enabled) wanted.emplace_back("veto");
  std::map<std::string, std::string> given;
  for (const auto& s : sources) {
    const bool known = std::find(wanted.begin(), wanted.end(), s.name) != wanted.end();
    if (!known) {
      reader.problems.push_back(input_problem(errc::input_io, s.file, 0, 0,
                                              "input " + detail::quote_id(s.name) + " is not a scorecard input; expected one of: " +
                                                  (wanted.empty() ? std::string("(none)") : listing(wanted))));
      continue;
    }
    if (const auto [it, inserted] = given.emplace(s.name, s.file); !inserted) {
      reader.problems.push_back(input_problem(errc::input_io, s.file, 0, 0,
                                              "input " + detail::quote_id(s.name) + " is given twice (first as " +
                                                  detail::quote_id(it->second) + ")"));
      continue;
    }
    std::string why;
    const std::optional<std::string> text = s.text ? s.text : read_whole_file(s.file, why);
    if (!text) {
      reader.problems.push_back(input_problem(errc::input_io, s.file, 0, 0,
                                              "cannot read the input file for " + detail::quote_id(s.name) + ": " + why));
      continue;
    }
    reader.read(s.name, s.file, *text, out);
  }
  for (const auto& w : wanted)
    if (!given.count(w)) {
      diagnostic d;
      d.code = errc::input_io;
      d.message = "no input file for " + detail::quote_id(w) + " (give it as --input " + w + "=FILE)";
      reader.problems.push_back(std::move(d));
    }
  if (!reader.problems.empty()) return std::move(reader.problems);
  // Definition order, whatever the order of the sources.
  std::vector<component_data> ordered;
  for (const auto& c : card.components)
    for (auto& data : out.components)
      if (data.component == c.id) ordered.push_back(std::move(data));
  out.components = std::move(ordered);
  return out;
}

}  // namespace qscore
