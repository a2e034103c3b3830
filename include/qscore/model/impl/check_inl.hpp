// check_instrument(): every semantic rule of a definition. Included by check.hpp.
//
// The checks run on plain values, so they apply alike to a definition loaded from YAML and to one
// built in code. Each diagnostic names the document path of the offending value ("/items/3/weight")
// and, when the source map knows that path (or one of its parents), its file position.
//
// Rules, by id:
//   D004  an id, an item's scale or an option's code is empty (the loader reports absent fields
//         itself; in code, empty is how "absent" looks)
//   D020  two scales / dimensions / items / groups / units share an id
//   D021  an item names a scale or a dimension that does not exist
//   D022  an item weight or a group share that is negative, NaN or infinite
//   D023  every item weight is zero, or every item of one dimension has weight zero
//   D024  group shares do not sum to 1 (within 1e-9)
//   D025  item weights do not sum to weight_total (within 1e-9 * max(1, |weight_total|))
//   D026  a value outside its allowed range: points <= 0 or not finite, weight_total <= 0 or not
//         finite, min_answered outside [0, 1], min_valid < 0, decimals outside 0..9, numeric
//         min >= max, numeric points not finite, positive_from outside min..max, option points
//         not finite, an option with both points and non_answer, a positive non-answer, a scored
//         option on a numeric scale, an option code with surrounding blanks, an empty column
//         name, more than 254 options on one scale
//   D027  two options of a scale with the same code (numeric scales: also a code inside the
//         range), or, on a categorical scale, the same label text in the same language
//   D028  a categorical option with neither points nor non_answer
//   D029  reverse keying on an item whose scale is categorical
//   D030  a categorical scale whose every option is a non-answer
//   D031  two roles read the same CSV column (item columns, respondent, group, unit, weight,
//         stratum)
//   Statistics: D004 a population without a stratum id, D020 a stratum listed twice, D021 a
//   population naming no group when the groups are the strata, D026 a population size that is
//   not a finite number > 0, rank_replicates outside 0..1000000
//   Privacy: D026 min_cell below 1
//   D032  no scales, no items, no groups, or a categorical scale without options
//   Formulas (model/formulas.hpp): D040-D047 from parsing and checking the derived scores,
//   ballot.valid_if and the check rules; D020 two checks with one name; D004 a check without a
//   name
//
// Option points may be any finite number (negative points are allowed: a penalty option).
//
// Checks that depend on a value already reported as bad are skipped (no sum of shares when one
// share is NaN, no weight budget when a weight is invalid, no column clash for an item without
// an id), so one mistake gives one diagnostic.
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "qscore/model/check.hpp"
#include "qscore/model/formulas.hpp"

namespace qscore {
namespace detail {

// Shortest form up to 12 significant digits, locale-independent: 0.95, 100, 1e-09, nan, -inf.
inline std::string format_number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 12);
  if (ec != std::errc{}) return "?";
  return std::string(buffer, end);
}

inline std::string quote_id(std::string_view text) {
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict, bug 105651) on "'" + string at -O3.
  std::string out;
  out.reserve(text.size() + 2);
  out += '\'';
  out += text;
  out += '\'';
  return out;
}

// "a, b, c" (at most 20, then "... (n more)"); "(none)" when empty.
inline std::string id_list(const std::vector<std::string>& ids) {
  if (ids.empty()) return "(none)";
  constexpr std::size_t shown = 20;
  std::string out;
  for (std::size_t i = 0; i < ids.size() && i < shown; ++i) {
    if (i > 0) out += ", ";
    out += ids[i];
  }
  if (ids.size() > shown) out += ", ... (" + std::to_string(ids.size() - shown) + " more)";
  return out;
}

// "/items/3" etc.
inline std::string element_path(std::string_view list, std::size_t index) {
  return "/" + std::string(list) + "/" + std::to_string(index);
}

// JSON-pointer escaping of one path segment: ~ -> ~0, / -> ~1.
inline std::string pointer_segment(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (const char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

class instrument_checker {
 public:
  instrument_checker(const instrument& definition, const source_map& where) : def_(definition), where_(where) {}

  std::vector<diagnostic> run() {
    check_header();
    check_scales();
    check_dimensions();
    check_items();
    check_weights();
    check_groups();
    check_units();
    check_columns();
    check_rules();
    check_statistics();
    check_privacy();
    check_formulas();
    return std::move(out_);
  }

 private:
  // The position of `path`, else of its nearest ancestor the source map knows.
  [[nodiscard]] source_location locate(std::string path) const {
    if (where_.empty()) return {};
    for (;;) {
      if (const auto it = where_.find(path); it != where_.end()) return it->second;
      if (path.empty()) return {};
      const auto slash = path.rfind('/');
      path.erase(slash == std::string::npos ? 0 : slash);
    }
  }

  void report(errc code, std::string path, std::string message) {
    diagnostic d;
    d.code = code;
    d.level = severity::error;
    d.message = std::move(message);
    d.where = locate(path);
    d.path = std::move(path);
    out_.push_back(std::move(d));
  }

  // Reports empty and duplicate ids of one list; `kind` is "scale", "item", ...
  template <class T>
  void check_ids(const std::vector<T>& list, std::string_view list_name, std::string_view kind) {
    std::map<std::string, std::size_t, std::less<>> first;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string path = element_path(list_name, i) + "/id";
      const std::string& id = list[i].id;
      if (id.empty()) {
        report(errc::missing_field, path, std::string(kind) + " id is empty, expected a non-empty id");
        continue;
      }
      const auto [it, inserted] = first.emplace(id, i);
      if (!inserted)
        report(errc::duplicate_id, path,
               "duplicate " + std::string(kind) + " id " + quote_id(id) + ", first used at " +
                   element_path(list_name, it->second));
    }
  }

  void check_header() {
    if (def_.id.empty()) report(errc::missing_field, "/id", "definition id is empty, expected a non-empty id");
    if (!std::isfinite(def_.points) || def_.points <= 0.0)
      report(errc::invalid_value, "/points",
             "points " + format_number(def_.points) + " is not allowed, expected a finite number > 0");
  }

  void check_scales() {
    if (def_.scales.empty()) report(errc::empty_list, "/scales", "no scales, expected at least one");
    check_ids(def_.scales, "scales", "scale");
    for (std::size_t s = 0; s < def_.scales.size(); ++s) check_scale(def_.scales[s], element_path("scales", s));
  }

  void check_scale(const answer_scale& scale, const std::string& path) {
    const std::string name = scale.id.empty() ? path : quote_id(scale.id);
    const bool numeric = scale.kind == scale_kind::numeric;
    bool range_ok = false;
    if (numeric) {
      if (scale.min >= scale.max) {
        report(errc::invalid_value, path + "/numeric",
               "numeric scale min " + std::to_string(scale.min) + " is not below max " + std::to_string(scale.max));
      } else {
        range_ok = true;
      }
      if (!std::isfinite(scale.points_at_min))
        report(errc::invalid_value, path + "/numeric/points/0",
               "points at min " + format_number(scale.points_at_min) + " is not a finite number");
      if (!std::isfinite(scale.points_at_max))
        report(errc::invalid_value, path + "/numeric/points/1",
               "points at max " + format_number(scale.points_at_max) + " is not a finite number");
      if (range_ok && scale.positive_from && (*scale.positive_from < scale.min || *scale.positive_from > scale.max))
        report(errc::invalid_value, path + "/numeric/positive_from",
               "positive_from " + std::to_string(*scale.positive_from) + " is outside the scale's range " +
                   std::to_string(scale.min) + ".." + std::to_string(scale.max));
    } else if (scale.options.empty()) {
      report(errc::empty_list, path + "/options", "scale " + name + " has no options, expected at least one");
    }

    std::map<std::string, std::size_t, std::less<>> codes;
    std::map<std::pair<std::string, std::string>, std::size_t> texts;  // (language, text)
    bool any_scored = false;
    for (std::size_t o = 0; o < scale.options.size(); ++o) {
      const answer_option& option = scale.options[o];
      const std::string option_path = path + "/options/" + std::to_string(o);
      const std::string option_name = option.code.empty() ? option_path : "option " + quote_id(option.code);
      if (option.code.empty()) {
        report(errc::missing_field, option_path + "/code", "option code is empty, expected a non-empty code");
      } else {
        if (is_blank(option.code.front()) || is_blank(option.code.back()))
          report(errc::invalid_value, option_path + "/code",
                 "option code " + quote_id(option.code) +
                     " has leading or trailing blanks, which data cells never have (they are trimmed)");
        if (const auto [it, inserted] = codes.emplace(option.code, o); !inserted)
          report(errc::duplicate_code, option_path + "/code",
                 "duplicate option code " + quote_id(option.code) + " in scale " + name + ", first used at " +
                     path + "/options/" + std::to_string(it->second));
        else if (range_ok && in_numeric_range(option.code, scale))
          report(errc::duplicate_code, option_path + "/code",
                 "option code " + quote_id(option.code) + " is already a value of the numeric range " +
                     std::to_string(scale.min) + ".." + std::to_string(scale.max));
      }
      if (!numeric) {
        for (const auto& [language, text] : option.text.texts()) {
          if (text.empty()) continue;
          const auto [it, inserted] = texts.emplace(std::make_pair(language, text), o);
          if (!inserted) {
            const std::string where_label =
                language.empty() ? "/label" : "/label/" + pointer_segment(language);
            report(errc::duplicate_code, option_path + where_label,
                   "duplicate option label " + quote_id(text) + (language.empty() ? "" : " (" + language + ")") +
                       " in scale " + name + ", first used at " + path + "/options/" +
                       std::to_string(it->second));
          }
        }
      }
      if (option.points && !std::isfinite(*option.points))
        report(errc::invalid_value, option_path + "/points",
               "option points " + format_number(*option.points) + " is not a finite number");
      if (option.non_answer) {
        if (option.points)
          report(errc::invalid_value, option_path,
                 option_name + " has both points and non_answer: true; a non-answer earns no points");
        if (option.positive)
          report(errc::invalid_value, option_path, option_name + " is a non-answer and cannot be positive");
      } else if (numeric) {
        report(errc::invalid_value, option_path,
               option_name + " of numeric scale " + name +
                   " must be a non-answer (non_answer: true); the range gives the scored values");
      } else if (!option.points) {
        report(errc::missing_points, option_path, option_name + " has neither points nor non_answer: true");
      } else {
        any_scored = true;
      }
    }
    if (!numeric && !scale.options.empty() && !any_scored && all_non_answers(scale))
      report(errc::no_scored_option, path + "/options",
             "scale " + name + " has no scored option: every option is a non-answer");

    std::int64_t total = static_cast<std::int64_t>(scale.options.size());
    if (range_ok) total += static_cast<std::int64_t>(scale.max) - static_cast<std::int64_t>(scale.min) + 1;
    if (total > 254)
      report(errc::invalid_value, path,
             "scale " + name + " has " + std::to_string(total) + " options, at most 254 are allowed");
  }

  static bool is_blank(char c) { return c == ' ' || c == '\t'; }

  static bool all_non_answers(const answer_scale& scale) {
    for (const auto& option : scale.options)
      if (!option.non_answer) return false;
    return true;
  }

  // Whether `code` is spelled exactly as a value of the numeric range (as compile spells them).
  static bool in_numeric_range(const std::string& code, const answer_scale& scale) {
    int value = 0;
    const auto [end, ec] = std::from_chars(code.data(), code.data() + code.size(), value);
    if (ec != std::errc{} || end != code.data() + code.size()) return false;
    return value >= scale.min && value <= scale.max && std::to_string(value) == code;
  }

  void check_dimensions() { check_ids(def_.dimensions, "dimensions", "dimension"); }

  template <class T>
  static std::vector<std::string> ids_of(const std::vector<T>& list) {
    std::vector<std::string> ids;
    for (const auto& entry : list)
      if (!entry.id.empty()) ids.push_back(entry.id);
    return ids;
  }

  void check_items() {
    if (def_.items.empty()) report(errc::empty_list, "/items", "no items, expected at least one");
    check_ids(def_.items, "items", "item");
    for (std::size_t i = 0; i < def_.items.size(); ++i) {
      const questionnaire_item& item = def_.items[i];
      const std::string path = element_path("items", i);
      const std::string name = item.id.empty() ? path : "item " + quote_id(item.id);

      const answer_scale* scale = nullptr;
      if (item.scale.empty()) {
        report(errc::missing_field, path + "/scale", name + " names no scale, expected a scale id");
      } else {
        for (const auto& candidate : def_.scales)
          if (candidate.id == item.scale) {
            scale = &candidate;
            break;
          }
        // With no scales at all, D032 already says so; listing "(none)" per item adds nothing.
        if (!scale && !def_.scales.empty())
          report(errc::dangling_reference, path + "/scale",
                 name + " uses scale " + quote_id(item.scale) + ", which does not exist; known scales: " +
                     id_list(ids_of(def_.scales)));
      }

      if (!item.dimension.empty()) {
        bool found = false;
        for (const auto& candidate : def_.dimensions) found = found || candidate.id == item.dimension;
        if (!found)
          report(errc::dangling_reference, path + "/dimension",
                 name + " uses dimension " + quote_id(item.dimension) +
                     ", which does not exist; known dimensions: " + id_list(ids_of(def_.dimensions)));
      }

      if (!std::isfinite(item.weight) || item.weight < 0.0)
        report(errc::invalid_weight, path + "/weight",
               "item weight " + format_number(item.weight) + " is not allowed, expected a finite number >= 0");

      if (item.reverse && scale && scale->kind != scale_kind::numeric)
        report(errc::reverse_not_numeric, path + "/reverse",
               name + " is reverse-keyed but scale " + quote_id(scale->id) +
                   " is categorical; reverse needs a numeric scale");
    }
  }

  [[nodiscard]] bool weights_valid() const {
    for (const auto& item : def_.items)
      if (!std::isfinite(item.weight) || item.weight < 0.0) return false;
    return true;
  }

  void check_weights() {
    bool total_valid = def_.weight_total.has_value();
    if (def_.weight_total && (!std::isfinite(*def_.weight_total) || *def_.weight_total <= 0.0)) {
      total_valid = false;
      report(errc::invalid_value, "/weight_total",
             "weight_total " + format_number(*def_.weight_total) + " is not allowed, expected a finite number > 0");
    }
    if (def_.items.empty() || !weights_valid()) return;

    double sum = 0.0;
    for (const auto& item : def_.items) sum += item.weight;
    if (sum == 0.0) {
      report(errc::zero_weight_sum, "/items", "all item weights are zero, expected at least one above zero");
    } else {
      for (std::size_t d = 0; d < def_.dimensions.size(); ++d) {
        const std::string& id = def_.dimensions[d].id;
        if (id.empty()) continue;
        std::size_t members = 0;
        double dimension_sum = 0.0;
        for (const auto& item : def_.items)
          if (item.dimension == id) {
            ++members;
            dimension_sum += item.weight;
          }
        if (members > 0 && dimension_sum == 0.0)
          report(errc::zero_weight_sum, element_path("dimensions", d),
                 "all items of dimension " + quote_id(id) + " have weight zero, expected at least one above zero");
      }
    }

    if (total_valid) {
      const double total = *def_.weight_total;
      const double tolerance = 1e-9 * std::max(1.0, std::abs(total));
      if (std::abs(sum - total) > tolerance)
        report(errc::weight_budget_mismatch, "/weight_total",
               "item weights sum to " + format_number(sum) + ", expected weight_total " + format_number(total));
    }
  }

  void check_groups() {
    if (def_.groups.empty()) report(errc::empty_list, "/groups", "no groups, expected at least one");
    check_ids(def_.groups, "groups", "group");
    bool shares_valid = true;
    double sum = 0.0;
    for (std::size_t g = 0; g < def_.groups.size(); ++g) {
      const double share = def_.groups[g].share;
      if (!std::isfinite(share) || share < 0.0) {
        shares_valid = false;
        report(errc::invalid_weight, element_path("groups", g) + "/share",
               "group share " + format_number(share) + " is not allowed, expected a finite number >= 0");
      } else {
        sum += share;
      }
    }
    if (shares_valid && !def_.groups.empty() && std::abs(sum - 1.0) > 1e-9)
      report(errc::shares_not_one, "/groups", "group shares sum to " + format_number(sum) + ", expected 1 (±1e-9)");
  }

  void check_units() { check_ids(def_.units, "units", "unit"); }

  void check_columns() {
    // Roles in a fixed order; a column read by an earlier role makes the later one the culprit.
    std::map<std::string, std::string, std::less<>> readers;  // column -> path of its first reader
    auto claim = [&](const std::string& column, const std::string& reader, const std::string& path) {
      const auto [it, inserted] = readers.emplace(column, reader);
      if (!inserted)
        report(errc::column_conflict, path, "column " + quote_id(column) + " is already read by " + it->second);
    };
    const std::pair<const char*, const std::string*> roles[] = {
        {"respondent", &def_.columns.respondent},
        {"group", &def_.columns.group},
        {"unit", &def_.columns.unit},
    };
    for (const auto& [role, column] : roles) {
      const std::string path = std::string("/columns/") + role;
      if (column->empty())
        report(errc::invalid_value, path, std::string("the ") + role + " column name is empty, expected a column name");
      else
        claim(*column, path, path);
    }
    if (!def_.columns.weight.empty()) claim(def_.columns.weight, "/columns/weight", "/columns/weight");
    if (!def_.columns.stratum.empty()) claim(def_.columns.stratum, "/columns/stratum", "/columns/stratum");
    std::map<std::string, std::size_t, std::less<>> item_ids;
    for (std::size_t i = 0; i < def_.items.size(); ++i) {
      const auto& item = def_.items[i];
      const bool id_repeated = !item_ids.emplace(item.id, i).second;
      const std::string& column = item.column.empty() ? item.id : item.column;
      if (column.empty()) continue;                        // no id: reported as D004 already
      if (item.column.empty() && id_repeated) continue;  // same id twice: reported as D020 already
      claim(column, element_path("items", i), element_path("items", i) + "/column");
    }
  }

  void check_rules() {
    const double min_answered = def_.ballot.min_answered;
    if (!(min_answered >= 0.0 && min_answered <= 1.0))
      report(errc::invalid_value, "/ballot/min_answered",
             "min_answered " + format_number(min_answered) + " is outside [0, 1]");
    if (def_.ranking.min_valid < 0)
      report(errc::invalid_value, "/ranking/min_valid",
             "min_valid " + std::to_string(def_.ranking.min_valid) + " is negative, expected an integer >= 0");
    if (def_.ranking.decimals && (*def_.ranking.decimals < 0 || *def_.ranking.decimals > 9))
      report(errc::invalid_value, "/ranking/decimals",
             "decimals " + std::to_string(*def_.ranking.decimals) + " is outside 0..9");
  }

  void check_privacy() {
    if (def_.privacy.min_cell < 1)
      report(errc::invalid_value, "/privacy/min_cell",
             "min_cell " + std::to_string(def_.privacy.min_cell) +
                 " is below 1, expected an integer >= 1 (1 publishes every cell)");
  }

  void check_statistics() {
    const statistics_options& stats = def_.statistics;
    if (stats.rank_replicates < 0 || stats.rank_replicates > 1'000'000)
      report(errc::invalid_value, "/statistics/rank_replicates",
             "rank_replicates " + std::to_string(stats.rank_replicates) + " is outside 0..1000000");
    std::map<std::string, std::size_t, std::less<>> seen;
    for (std::size_t i = 0; i < stats.population.size(); ++i) {
      const stratum_population& p = stats.population[i];
      const std::string path = "/statistics/population/" + std::to_string(i);
      if (p.stratum.empty()) {
        report(errc::missing_field, path + "/stratum", "a stratum population needs a stratum id");
      } else {
        if (!seen.emplace(p.stratum, i).second)
          report(errc::duplicate_id, path + "/stratum", "stratum " + quote_id(p.stratum) + " is listed twice");
        // With the groups as strata, a population must name a group.
        if (def_.columns.stratum.empty()) {
          bool known = false;
          for (const auto& g : def_.groups) known = known || g.id == p.stratum;
          if (!known)
            report(errc::dangling_reference, path + "/stratum",
                   "stratum " + quote_id(p.stratum) +
                       " is not a group id (the groups are the strata: columns/stratum is not set)");
        }
      }
      if (!(std::isfinite(p.size) && p.size > 0.0))
        report(errc::invalid_value, path + "/size",
               "population size " + format_number(p.size) + " is not a finite number > 0");
    }
  }

  // Respondent-level formulas (model/formulas.hpp): D040-D047 at the exact place in the formula
  // text when the loader gave its origin, else at the formula's path; D020 for a check name given
  // twice.
  void check_formulas() {
    if (def_.formulas.empty() && def_.ballot.valid_if.empty() && def_.checks.empty()) return;
    const auto name_at = [&](const std::string& path) { return locate(path); };
    for (std::size_t i = 0; i < def_.checks.size(); ++i)
      if (def_.checks[i].name.empty())
        report(errc::missing_field, element_path("checks", i) + "/name", "a check needs a name");
    const result<respondent_formulas> checked = check_respondent_formulas(def_, name_at);
    for (diagnostic d : checked.diagnostics()) {
      if (!d.where.known()) d.where = locate(d.path);
      out_.push_back(std::move(d));
    }
  }

  const instrument& def_;
  const source_map& where_;
  std::vector<diagnostic> out_;
};

}  // namespace detail

inline std::vector<diagnostic> check_instrument(const instrument& definition, const source_map& where) {
  return detail::instrument_checker(definition, where).run();
}

}  // namespace qscore
