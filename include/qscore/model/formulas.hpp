// The respondent-level formulas of a definition, checked together: the derived scores of
// `formulas:`, `ballot.valid_if` and the rules of `checks:` (README, "Formulas in the definition").
//
// Names a respondent-level formula may use: item ids (the points earned, 0..100 scale; missing
// when blank or a non-answer), dimension ids (the respondent's dimension score; missing when no
// item of the dimension was answered), `answered` (the number of items answered) and the names
// of derived formulas. Derived formulas may use each other (cycles are refused, D046); valid_if
// and the checks may use every derived formula but not each other.
//
// check_instrument() reports the diagnostics of this check (D040-D047, D020 for two checks with
// one name); compile() keeps the checked trees in the plan.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "qscore/core/diagnostic.hpp"
#include "qscore/expr/check.hpp"
#include "qscore/model/instrument.hpp"

namespace qscore {

struct respondent_formulas {
  expr::checked_formulas derived;           // instrument::formulas, in order, with evaluation order
  std::optional<expr::expression> valid_if;  // ballot.valid_if, when given
  std::vector<expr::expression> checks;     // one per instrument::checks entry

  [[nodiscard]] bool empty() const { return derived.formulas.empty() && !valid_if && checks.empty(); }
};

// Document paths of the formula texts, used in diagnostics.
[[nodiscard]] inline std::string derived_formula_path(std::size_t i) {
  return "/formulas/" + std::to_string(i) + "/formula";
}
[[nodiscard]] inline std::string check_rule_path(std::size_t i) {
  return "/checks/" + std::to_string(i) + "/rule";
}
inline constexpr std::string_view valid_if_path = "/ballot/valid_if";

// Parses and checks every respondent-level formula of `def`. `name_at(path)` gives the position
// of a document path when known (for duplicate-name messages); it may be empty.
template <class NameAt>
[[nodiscard]] result<respondent_formulas> check_respondent_formulas(const instrument& def, NameAt name_at) {
  std::vector<std::string> items, dimensions;
  for (const auto& item : def.items) items.push_back(item.id);
  for (const auto& d : def.dimensions) dimensions.push_back(d.id);
  std::vector<expr::known_name> known = expr::standard_names(items, dimensions, {});

  std::vector<diagnostic> errors;
  respondent_formulas out;

  std::vector<expr::formula_source> sources;
  for (std::size_t i = 0; i < def.formulas.size(); ++i) {
    const derived_formula& f = def.formulas[i];
    expr::formula_source s;
    s.name = f.name;
    s.text = f.formula.text;
    s.level = expr::formula_level::respondent;
    s.origin = f.formula.origin;
    s.path = derived_formula_path(i);
    s.name_path = "/formulas/" + std::to_string(i) + "/name";
    s.name_at = name_at(s.name_path);
    sources.push_back(std::move(s));
  }
  result<expr::checked_formulas> derived = expr::check_formulas(sources, known);
  if (derived) out.derived = std::move(derived).value();
  else errors.insert(errors.end(), derived.diagnostics().begin(), derived.diagnostics().end());

  // valid_if and the checks see the derived formulas as names with a value per respondent. Each
  // is checked alone, under a name no formula can refer to, so that they never see each other.
  for (const auto& f : def.formulas)
    if (!f.name.empty()) known.push_back({f.name, expr::name_kind::variable, true, false});
  std::string rule_name = "_rule";
  const auto taken = [&](const std::string& name) {
    for (const auto& k : known)
      if (k.name == name) return true;
    return false;
  };
  while (taken(rule_name)) rule_name += '_';

  const auto check_rule = [&](const formula_text& text, std::string path) -> std::optional<expr::expression> {
    const expr::formula_source source{rule_name, text.text, expr::formula_level::respondent, text.origin, {},
                                      std::move(path), {}};
    result<expr::checked_formulas> checked = expr::check_formulas(std::span(&source, 1), known);
    if (!checked) {
      errors.insert(errors.end(), checked.diagnostics().begin(), checked.diagnostics().end());
      return std::nullopt;
    }
    return std::move(checked->formulas.front().tree);
  };
  if (!def.ballot.valid_if.empty()) out.valid_if = check_rule(def.ballot.valid_if, std::string(valid_if_path));
  for (std::size_t i = 0; i < def.checks.size(); ++i) {
    const consistency_check& c = def.checks[i];
    for (std::size_t j = 0; j < i; ++j)
      if (!c.name.empty() && def.checks[j].name == c.name) {
        const std::string path = "/checks/" + std::to_string(i) + "/name";
        errors.push_back(diagnostic{errc::duplicate_id, severity::error,
                                    "check '" + c.name + "' is defined twice (first at /checks/" +
                                        std::to_string(j) + ")",
                                    name_at(path), path});
        break;
      }
    std::optional<expr::expression> tree = check_rule(c.rule, check_rule_path(i));
    out.checks.push_back(tree ? std::move(*tree) : expr::expression{});
  }
  if (!errors.empty()) return errors;
  return out;
}

[[nodiscard]] inline result<respondent_formulas> check_respondent_formulas(const instrument& def) {
  return check_respondent_formulas(def, [](const std::string&) { return source_location{}; });
}

}  // namespace qscore
