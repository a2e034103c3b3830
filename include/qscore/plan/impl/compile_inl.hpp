// compile(): checked instrument -> scoring_plan. Included by scoring_plan.hpp.
#pragma once

#include <algorithm>
#include <cstring>
#include <utility>

#include "qscore/model/check.hpp"
#include "qscore/plan/scoring_plan.hpp"

namespace qscore {
namespace detail {

// FNV-1a over a canonical serialisation of everything that changes what a tally means.
class fingerprint_builder {
 public:
  void add(std::string_view text) {
    for (const char c : text) byte(static_cast<unsigned char>(c));
    byte(0x1f);
  }
  void add(double value) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    for (int i = 0; i < 8; ++i) byte(static_cast<unsigned char>(bits >> (8 * i)));
  }
  [[nodiscard]] std::uint64_t value() const { return hash_; }

 private:
  void byte(unsigned char b) {
    hash_ ^= b;
    hash_ *= 1099511628211ULL;
  }
  std::uint64_t hash_ = 14695981039346656037ULL;
};

// The options an item offers, in code order, with numeric scales expanded and reverse keying
// applied: a reversed item scores value x as min + max - x.
inline std::vector<option_info> item_options(const answer_scale& scale, bool reverse) {
  std::vector<option_info> out;
  if (scale.kind == scale_kind::numeric) {
    const double span = static_cast<double>(scale.max - scale.min);
    for (int x = scale.min; x <= scale.max; ++x) {
      const int keyed = reverse ? scale.min + scale.max - x : x;
      option_info option;
      option.code = std::to_string(x);
      option.text = label(option.code);
      // Linear map of the keyed value onto [points_at_min, points_at_max].
      const double fraction = span > 0 ? static_cast<double>(keyed - scale.min) / span : 0.0;
      option.points = scale.points_at_min + fraction * (scale.points_at_max - scale.points_at_min);
      option.positive = scale.positive_from.has_value() && keyed >= *scale.positive_from;
      out.push_back(std::move(option));
    }
  }
  for (const auto& declared : scale.options) {
    option_info option;
    option.code = declared.code;
    option.text = declared.text;
    option.non_answer = declared.non_answer;
    option.points = declared.non_answer ? 0.0 : declared.points.value_or(0.0);
    option.positive = declared.positive;
    out.push_back(std::move(option));
  }
  return out;
}

inline code_decoder make_decoder(const std::vector<option_info>& options) {
  code_decoder decoder;
  // Codes first: the first text registered wins, so a code always beats a label that spells it.
  for (std::size_t i = 0; i < options.size(); ++i)
    decoder.add(options[i].code, static_cast<answer_code>(i + 1));
  for (std::size_t i = 0; i < options.size(); ++i)
    for (const auto& [lang, text] : options[i].text.texts())
      decoder.add(text, static_cast<answer_code>(i + 1));
  return decoder;
}

// Registers every entry's id, then every entry's labels: the first key registered wins, so an id
// always beats another entry's label that happens to spell it.
template <class Entries>
void index_keys(key_index& index, const Entries& entries) {
  for (std::size_t i = 0; i < entries.size(); ++i) index.add(entries[i].id, static_cast<int>(i));
  for (std::size_t i = 0; i < entries.size(); ++i)
    for (const auto& [lang, text] : entries[i].name.texts()) index.add(text, static_cast<int>(i));
}

}  // namespace detail

inline std::string scoring_plan::expected_answers(std::size_t item) const {
  std::string out;
  for (const auto& option : items[item].options) {
    if (!out.empty()) out += ", ";
    out += option.code;
    const std::string text = option.text.get(definition->language);
    if (!text.empty() && text != option.code) out += " (" + text + ")";
  }
  return "one of " + out + " or blank";
}

inline result<scoring_plan> compile(instrument definition) {
  std::vector<diagnostic> problems = check_instrument(definition);
  if (has_errors(problems)) return problems;

  scoring_plan plan;
  detail::fingerprint_builder fingerprint;
  fingerprint.add(definition.id);
  fingerprint.add(definition.version);

  for (const auto& d : definition.dimensions) plan.dimensions.push_back(d);

  for (const auto& scale : definition.scales) plan.scale_ids.push_back(scale.id);

  // Items share a scale's decoder unless reverse keying changes nothing about decoding (it never
  // does: codes are the same, only points move), so one decoder per scale suffices.
  std::vector<bool> decoder_built(definition.scales.size(), false);
  plan.decoders.resize(definition.scales.size());

  for (const auto& item : definition.items) {
    item_plan compiled;
    compiled.id = item.id;
    compiled.text = item.text;
    compiled.column = item.column.empty() ? item.id : item.column;
    compiled.weight = item.weight;
    const auto scale_it = std::find_if(definition.scales.begin(), definition.scales.end(),
                                       [&](const answer_scale& s) { return s.id == item.scale; });
    compiled.scale = static_cast<std::size_t>(scale_it - definition.scales.begin());
    compiled.options = detail::item_options(*scale_it, item.reverse);
    if (!decoder_built[compiled.scale]) {
      plan.decoders[compiled.scale] = detail::make_decoder(compiled.options);
      decoder_built[compiled.scale] = true;
    }
    if (!item.dimension.empty()) {
      const auto dim_it = std::find_if(definition.dimensions.begin(), definition.dimensions.end(),
                                       [&](const dimension& d) { return d.id == item.dimension; });
      compiled.dimension = 1 + static_cast<std::size_t>(dim_it - definition.dimensions.begin());
    }
    plan.code_rows = std::max(plan.code_rows, 1 + static_cast<int>(compiled.options.size()));

    fingerprint.add(compiled.id);
    fingerprint.add(compiled.column);
    fingerprint.add(compiled.weight);
    fingerprint.add(static_cast<double>(compiled.dimension));
    for (const auto& option : compiled.options) {
      fingerprint.add(option.code);
      fingerprint.add(option.points);
      fingerprint.add(option.non_answer ? 1.0 : 0.0);
      fingerprint.add(option.positive ? 1.0 : 0.0);
    }
    plan.items.push_back(std::move(compiled));
  }

  const auto item_count = static_cast<Eigen::Index>(plan.items.size());
  const auto columns = static_cast<Eigen::Index>(plan.item_score_columns());
  plan.points_lut = Eigen::ArrayXXd::Zero(plan.code_rows, item_count);
  plan.answered_lut = Eigen::ArrayXXd::Zero(plan.code_rows, item_count);
  plan.weights = Eigen::MatrixXd::Zero(item_count, columns);
  for (Eigen::Index j = 0; j < item_count; ++j) {
    const auto& item = plan.items[static_cast<std::size_t>(j)];
    for (std::size_t i = 0; i < item.options.size(); ++i) {
      const auto c = static_cast<Eigen::Index>(i + 1);
      plan.points_lut(c, j) = item.options[i].non_answer ? 0.0 : item.options[i].points;
      plan.answered_lut(c, j) = item.options[i].non_answer ? 0.0 : 1.0;
    }
    plan.weights(j, 0) = item.weight;
    if (item.dimension > 0) plan.weights(j, static_cast<Eigen::Index>(item.dimension)) = item.weight;
  }
  plan.packed = pack_points(plan.points_lut, plan.answered_lut, plan.weights);

  for (const auto& group : definition.groups) {
    fingerprint.add(group.id);
    fingerprint.add(group.share);
  }
  for (const auto& unit : definition.units) fingerprint.add(unit.id);
  // The shape of the statistics state: tallies with another sampling layout or reliability rule
  // must not merge.
  fingerprint.add(definition.columns.weight.empty() ? 0.0 : 1.0);
  fingerprint.add(definition.columns.stratum);
  fingerprint.add(definition.statistics.reliability
                      ? (*definition.statistics.reliability == missing_rule::listwise ? 1.0 : 2.0)
                      : 0.0);
  detail::index_keys(plan.group_index, definition.groups);
  detail::index_keys(plan.unit_index, definition.units);
  plan.units_declared = !definition.units.empty();
  fingerprint.add(definition.points);
  fingerprint.add(definition.ballot.min_answered);
  // Respondent formulas change what is counted and how many score columns a tally has.
  if (!definition.formulas.empty() || !definition.ballot.valid_if.empty() || !definition.checks.empty()) {
    result<respondent_formulas> checked = check_respondent_formulas(definition);
    if (!checked) return checked.diagnostics();  // check_instrument reported them already
    plan.formulas = std::make_shared<const respondent_formulas>(std::move(checked).value());
    for (const auto& f : definition.formulas) {
      fingerprint.add(f.name);
      fingerprint.add(f.formula.text);
    }
    fingerprint.add(definition.ballot.valid_if.text);
    for (const auto& c : definition.checks) {
      fingerprint.add(c.name);
      fingerprint.add(c.rule.text);
      fingerprint.add(static_cast<double>(c.action));
    }
  }
  plan.fingerprint = fingerprint.value();
  plan.definition = std::make_shared<const instrument>(std::move(definition));
  return result<scoring_plan>(std::move(plan), std::move(problems));
}

}  // namespace qscore
