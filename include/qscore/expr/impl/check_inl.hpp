// check_formulas(): definitions. Included by expr/check.hpp.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "qscore/core/diagnostic.hpp"
#include "qscore/expr/ast.hpp"
#include "qscore/expr/parse.hpp"

namespace qscore::expr {

inline const function_info* find_function(std::string_view name) noexcept {
  for (const auto& f : functions)
    if (f.name == name) return &f;
  return nullptr;
}

inline std::vector<known_name> standard_names(std::span<const std::string> items,
                                              std::span<const std::string> dimensions,
                                              std::span<const std::string> components) {
  std::vector<known_name> names;
  names.reserve(items.size() + dimensions.size() + components.size() + 1);
  for (const auto& id : items) names.push_back({id, name_kind::item, true, false});
  for (const auto& id : dimensions) names.push_back({id, name_kind::dimension, true, true});
  for (const auto& id : components) names.push_back({id, name_kind::component, false, true});
  names.push_back({"answered", name_kind::variable, true, false});
  return names;
}

namespace detail {

inline bool is_formula_name(std::string_view name) {
  if (name.empty()) return false;
  auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!letter(name.front())) return false;
  for (char c : name.substr(1))
    if (!letter(c) && !(c >= '0' && c <= '9') && c != '.') return false;
  return name != "and" && name != "or" && name != "not";
}

// Levenshtein distance, for "did you mean ...?".
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0U : 1U)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The closest candidate within a small distance ("" when none is close): at most 2 edits, and
// fewer than the name's length.
template <class Candidates>
std::string closest_name(std::string_view name, const Candidates& candidates) {
  std::string best;
  std::size_t best_distance = std::min<std::size_t>(3, name.size());
  for (std::string_view candidate : candidates) {
    const std::size_t d = edit_distance(name, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(candidate);
    }
  }
  return best;
}

inline std::string line_column(const source_location& at) {
  return at.known() ? std::to_string(at.line) + ":" + std::to_string(at.column) : "an unknown place";
}

inline std::string plural(std::size_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

}  // namespace detail

inline result<checked_formulas> check_formulas(std::span<const formula_source> formulas,
                                               std::span<const known_name> known,
                                               const check_options& options) {
  std::vector<diagnostic> errors;
  const std::size_t n = formulas.size();

  auto report = [&](errc code, std::string message, const formula_source& f,
                    const source_location& where) {
    errors.push_back(diagnostic{code, severity::error, std::move(message), where, f.path});
  };
  auto report_name = [&](errc code, std::string message, const formula_source& f) {
    const source_location& where = f.name_at.known() ? f.name_at : f.origin;
    errors.push_back(diagnostic{code, severity::error, std::move(message), where,
                                f.name_path.empty() ? f.path : f.name_path});
  };
  auto at_offset = [](const formula_source& f, std::size_t offset) {
    return locate(f.text, offset, f.origin);
  };

  // --- names --------------------------------------------------------------------------------
  std::unordered_map<std::string_view, const known_name*> known_by_name;
  for (const auto& k : known) known_by_name.emplace(k.name, &k);
  std::unordered_map<std::string_view, std::size_t> formula_by_name;
  for (std::size_t i = 0; i < n; ++i) {
    const formula_source& f = formulas[i];
    if (!detail::is_formula_name(f.name)) {
      report_name(errc::invalid_value,
             "formula name '" + f.name +
                 "' is not a name formulas can use: it must match [A-Za-z_][A-Za-z0-9_.]* and not "
                 "be and, or, not",
             f);
      continue;
    }
    if (const auto k = known_by_name.find(f.name); k != known_by_name.end()) {
      report_name(errc::duplicate_id,
             "formula '" + f.name + "' has the name of " +
                 (k->second->kind == name_kind::item ? "an " : "a ") +
                 std::string(to_string(k->second->kind)),
             f);
      continue;
    }
    const auto [first, inserted] = formula_by_name.emplace(f.name, i);
    if (!inserted) {
      const formula_source& earlier = formulas[first->second];
      report_name(errc::duplicate_id,
             "formula '" + f.name + "' is defined twice (first at " +
                 detail::line_column(earlier.name_at.known() ? earlier.name_at : earlier.origin) +
                 ")",
             f);
    }
  }

  // Everything a misspelt name could have meant, for suggestions.
  std::vector<std::string_view> all_names;
  all_names.reserve(known.size() + n);
  for (const auto& k : known) all_names.push_back(k.name);
  for (const auto& [name, index] : formula_by_name) all_names.push_back(name);
  std::sort(all_names.begin(), all_names.end());  // deterministic suggestions
  std::vector<std::string_view> function_names;
  for (const auto& fn : functions) function_names.push_back(fn.name);

  // --- parse and resolve ----------------------------------------------------------------------
  struct edge {
    std::size_t to = 0;
    std::size_t offset = 0;  // where the reference is written in the user's text
  };
  std::vector<std::vector<edge>> edges(n);
  checked_formulas checked;
  checked.formulas.resize(n);

  for (std::size_t i = 0; i < n; ++i) {
    const formula_source& f = formulas[i];
    checked_formula& out = checked.formulas[i];
    out.name = f.name;
    out.level = f.level;
    result<expression> parsed = parse_expression(f.text, f.origin, options.limits);
    if (!parsed) {
      for (diagnostic d : parsed.diagnostics()) {
        d.path = f.path;
        errors.push_back(std::move(d));
      }
      continue;
    }
    out.tree = std::move(parsed).value();

    const std::string level_name = std::string(to_string(f.level)) + "-level formula '" + f.name + "'";
    auto use_formula = [&](std::size_t to, std::size_t offset) {
      const formula_level target_level = formulas[to].level;
      const bool visible =
          target_level == f.level ||
          (f.level == formula_level::unit && options.respondent_formulas_at_unit_level);
      if (!visible) {
        report(errc::formula_level,
               "'" + formulas[to].name + "' is a " + std::string(to_string(target_level)) +
                   "-level formula: " + level_name + " cannot use it",
               f, at_offset(f, offset));
        return;
      }
      for (const edge& e : edges[i])
        if (e.to == to) return;
      edges[i].push_back({to, offset});
      out.formulas_used.push_back(formulas[to].name);
    };
    auto use_known = [&](const known_name& k, std::size_t offset) {
      const bool visible = f.level == formula_level::respondent ? k.respondent_level : k.unit_level;
      if (!visible) {
        report(errc::formula_level,
               "'" + k.name + "' is " + (k.kind == name_kind::item ? "an " : "a ") +
                   std::string(to_string(k.kind)) + " with no value per " +
                   (f.level == formula_level::respondent ? "respondent" : "unit") + ": " +
                   level_name + " cannot use it",
               f, at_offset(f, offset));
        return;
      }
      if (std::find(out.names_used.begin(), out.names_used.end(), k.name) == out.names_used.end())
        out.names_used.push_back(k.name);
    };

    struct walker {
      const formula_source& f;
      decltype(use_formula)& on_formula;
      decltype(use_known)& on_known;
      decltype(report)& on_error;
      decltype(at_offset)& at;
      const std::unordered_map<std::string_view, std::size_t>& formula_names;
      const std::unordered_map<std::string_view, const known_name*>& known_names;
      const std::vector<std::string_view>& candidates;
      const std::vector<std::string_view>& function_names;

      void operator()(const number&) const {}
      void operator()(const reference& r) const {
        if (const auto it = formula_names.find(r.name); it != formula_names.end()) {
          on_formula(it->second, r.offset);
        } else if (const auto k = known_names.find(r.name); k != known_names.end()) {
          on_known(*k->second, r.offset);
        } else if (const function_info* fn = find_function(r.name)) {
          on_error(errc::unknown_reference,
                   "'" + r.name + "' is a function: call it as " + std::string(fn->usage), f,
                   at(f, r.offset));
        } else {
          std::string message = "unknown name '" + r.name + "'";
          if (const std::string best = detail::closest_name(r.name, candidates); !best.empty())
            message += " (did you mean '" + best + "'?)";
          else
            message += ": not an item, dimension, component or formula";
          on_error(errc::unknown_reference, std::move(message), f, at(f, r.offset));
        }
      }
      void operator()(const unary&) const {}
      void operator()(const binary&) const {}
      void operator()(const call& c) const {
        if (const function_info* fn = find_function(c.name)) {
          const std::size_t given = c.args.size();
          if (given < fn->min_args || given > fn->max_args) {
            std::string message = std::string(fn->name) + "() takes ";
            if (fn->min_args == fn->max_args)
              message += detail::plural(fn->min_args, "argument");
            else
              message += "at least " + detail::plural(fn->min_args, "argument");
            message += ", given " + std::to_string(given) + ": " + std::string(fn->usage);
            if (fn->name == "answered" && given == 0)
              message += " (write `answered` without parentheses for the number of items answered)";
            on_error(errc::wrong_arity, std::move(message), f, at(f, c.offset));
          }
        } else {
          std::string message = "unknown function '" + c.name + "'";
          if (formula_names.count(c.name) || known_names.count(c.name)) {
            message = "'" + c.name + "' is not a function: write it without parentheses";
          } else if (const std::string best = detail::closest_name(c.name, function_names);
                     !best.empty()) {
            message += " (did you mean '" + best + "'?)";
          } else {
            message += "; the functions are mean, sum, min, max, count, answered, missing, if";
          }
          on_error(errc::unknown_function, std::move(message), f, at(f, c.offset));
        }
      }
    };
    const walker walk{f,           use_formula, use_known, report,        at_offset,
                      formula_by_name, known_by_name, all_names, function_names};
    // Pre-order, left to right, with an explicit stack (a long chain nests deeply).
    std::vector<const expression*> pending{&out.tree};
    while (!pending.empty()) {
      const expression& e = *pending.back();
      pending.pop_back();
      std::visit(walk, e.node);
      if (const auto* u = std::get_if<unary>(&e.node)) {
        pending.push_back(&*u->operand);
      } else if (const auto* b = std::get_if<binary>(&e.node)) {
        pending.push_back(&*b->right);
        pending.push_back(&*b->left);
      } else if (const auto* c = std::get_if<call>(&e.node)) {
        for (std::size_t k = c->args.size(); k-- > 0;) pending.push_back(&c->args[k]);
      }
    }
  }

  // --- cycles and order: depth-first, iterative -------------------------------------------------
  enum class mark : unsigned char { fresh, active, done };
  std::vector<mark> state(n, mark::fresh);
  struct frame {
    std::size_t node = 0;
    std::size_t next = 0;  // next edge to follow
  };
  std::vector<frame> stack;
  for (std::size_t root = 0; root < n; ++root) {
    if (state[root] != mark::fresh) continue;
    stack.push_back({root, 0});
    state[root] = mark::active;
    while (!stack.empty()) {
      frame& top = stack.back();
      if (top.next == edges[top.node].size()) {
        state[top.node] = mark::done;
        checked.order.push_back(top.node);
        stack.pop_back();
        continue;
      }
      const edge e = edges[top.node][top.next++];
      if (state[e.to] == mark::fresh) {
        state[e.to] = mark::active;
        stack.push_back({e.to, 0});
      } else if (state[e.to] == mark::active) {
        // A cycle: from e.to, down the stack, back to e.to. Reported at the first step's
        // reference, in the formula where the path starts.
        std::size_t start = stack.size() - 1;
        while (stack[start].node != e.to) --start;
        std::string path;
        for (std::size_t s = start; s < stack.size(); ++s) path += formulas[stack[s].node].name + " -> ";
        path += formulas[e.to].name;
        const frame& first = stack[start];
        const edge& first_step = edges[first.node][first.next - 1];
        const formula_source& f = formulas[first.node];
        report(errc::reference_cycle, "formulas refer to each other in a cycle: " + path, f,
               at_offset(f, first_step.offset));
      }
    }
  }

  if (!errors.empty()) return errors;
  return checked;
}

}  // namespace qscore::expr
