// evaluate(), evaluate_formulas(): definitions. Included by expr/evaluate.hpp.
//
// Each node gives a detail::value: values (0 where missing), the missing mask, and the rows that
// a division by zero reached (`zero`, empty when there are none, which is the common case). Every
// step is a whole-column Eigen expression; the only loops are over the tree's nodes and a call's
// arguments, never over rows.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "qscore/core/diagnostic.hpp"
#include "qscore/expr/ast.hpp"
#include "qscore/expr/check.hpp"

namespace qscore::expr {

inline void table_environment::set(std::string name, column values) {
  if (values.values.size() != rows_ || values.missing.size() != rows_)
    throw std::length_error("qscore::expr::table_environment::set: column '" + name + "' has " +
                            std::to_string(values.values.size()) + " values for " +
                            std::to_string(rows_) + " rows");
  columns_.insert_or_assign(std::move(name), std::move(values));
}

inline void table_environment::set(std::string name, const Eigen::ArrayXd& values) {
  set(std::move(name), column{values, mask::Constant(values.size(), false)});
}

inline std::optional<column_view> table_environment::find(std::string_view name) const {
  const auto it = columns_.find(name);
  if (it == columns_.end()) return std::nullopt;
  return column_view{it->second.values.data(), it->second.missing.data()};
}

namespace detail {

struct value {
  Eigen::ArrayXd v;  // 0 where missing
  mask m;            // missing
  mask zero;         // rows a division by zero reached; empty = none
};

// a | b for the `zero` masks, either of which may be empty.
inline mask zero_union(const mask& a, const mask& b) {
  if (a.size() == 0) return b;
  if (b.size() == 0) return a;
  return a || b;
}

// Walks the tree in post-order with an explicit stack, so that a deep tree (a chain
// `a + a + ... + a` nests to the left, one level per operator) costs heap, not stack: the
// evaluator's frames hold Eigen temporaries and would exhaust the stack long before the parser's
// limits do, especially under sanitizers.
class evaluator {
 public:
  explicit evaluator(const environment& env) : env_(env), rows_(env.rows()) {}

  value run(const expression& root) {
    struct frame {
      const expression* node;
      std::size_t next_child;
    };
    std::vector<frame> stack{{&root, 0}};
    std::vector<value> operands;  // values of finished subtrees, in order
    while (!stack.empty()) {
      const std::size_t top = stack.size() - 1;
      const expression& e = *stack[top].node;
      if (const expression* child = child_of(e, stack[top].next_child)) {
        ++stack[top].next_child;
        stack.push_back({child, 0});
        continue;
      }
      value v = combine(e, operands, stack[top].next_child);
      stack.pop_back();
      operands.push_back(std::move(v));
    }
    return std::move(operands.back());
  }

  [[nodiscard]] std::vector<diagnostic> take_errors() { return std::move(errors_); }

 private:
  static const expression* child_of(const expression& e, std::size_t i) {
    if (const auto* u = std::get_if<unary>(&e.node)) return i == 0 ? &*u->operand : nullptr;
    if (const auto* b = std::get_if<binary>(&e.node))
      return i == 0 ? &*b->left : i == 1 ? &*b->right : nullptr;
    if (const auto* c = std::get_if<call>(&e.node)) return i < c->args.size() ? &c->args[i] : nullptr;
    return nullptr;
  }

  // The value of `e`, whose `arity` operands are the last values of `operands` (popped here).
  value combine(const expression& e, std::vector<value>& operands, std::size_t arity) {
    std::vector<value> args;
    args.reserve(arity);
    for (std::size_t i = operands.size() - arity; i < operands.size(); ++i)
      args.push_back(std::move(operands[i]));
    operands.resize(operands.size() - arity);
    if (const auto* n = std::get_if<number>(&e.node)) return literal(n->value);
    if (const auto* r = std::get_if<reference>(&e.node)) return lookup(r->name);
    if (const auto* u = std::get_if<unary>(&e.node)) return apply(u->op, std::move(args[0]));
    if (const auto* b = std::get_if<binary>(&e.node)) return apply(b->op, args[0], args[1]);
    return apply(std::get<call>(e.node), args);
  }

  value literal(double x) const {
    return {Eigen::ArrayXd::Constant(rows_, x), mask::Constant(rows_, false), {}};
  }

  value lookup(const std::string& name) {
    const std::optional<column_view> found = env_.find(name);
    if (!found || found->values == nullptr) {
      fail(errc::unknown_reference, "no value for '" + name + "' in this evaluation");
      return missing_everywhere();
    }
    const Eigen::Map<const Eigen::ArrayXd> raw(found->values, rows_);
    value out;
    if (found->missing != nullptr)
      out.m = Eigen::Map<const mask>(found->missing, rows_) || !raw.isFinite();
    else
      out.m = !raw.isFinite();
    out.v = out.m.select(0.0, raw);
    return out;
  }

  static value apply(unary_op op, value a) {
    if (op == unary_op::negate)
      a.v = a.m.select(0.0, -a.v);
    else
      a.v = a.m.select(0.0, (a.v == 0.0).cast<double>());
    return a;
  }

  static value apply(binary_op op, const value& a, const value& c) {
    value out;
    out.zero = zero_union(a.zero, c.zero);
    switch (op) {
      case binary_op::logical_and: {
        const mask a_false = !a.m && (a.v == 0.0);
        const mask c_false = !c.m && (c.v == 0.0);
        const mask is_false = a_false || c_false;
        out.m = !is_false && (a.m || c.m);
        out.v = (!is_false && !out.m).cast<double>();
        return out;
      }
      case binary_op::logical_or: {
        const mask a_true = !a.m && (a.v != 0.0);
        const mask c_true = !c.m && (c.v != 0.0);
        const mask is_true = a_true || c_true;
        out.m = !is_true && (a.m || c.m);
        out.v = is_true.cast<double>();
        return out;
      }
      default: break;
    }
    out.m = a.m || c.m;
    Eigen::ArrayXd raw;
    switch (op) {
      case binary_op::add: raw = a.v + c.v; break;
      case binary_op::subtract: raw = a.v - c.v; break;
      case binary_op::multiply: raw = a.v * c.v; break;
      case binary_op::divide: {
        const mask by_zero = !out.m && (c.v == 0.0);
        if (by_zero.any()) {
          out.m = out.m || by_zero;
          out.zero = zero_union(out.zero, by_zero);
        }
        raw = a.v / out.m.select(1.0, c.v);
        break;
      }
      case binary_op::less: raw = (a.v < c.v).cast<double>(); break;
      case binary_op::less_equal: raw = (a.v <= c.v).cast<double>(); break;
      case binary_op::greater: raw = (a.v > c.v).cast<double>(); break;
      case binary_op::greater_equal: raw = (a.v >= c.v).cast<double>(); break;
      case binary_op::equal: raw = (a.v == c.v).cast<double>(); break;
      case binary_op::not_equal: raw = (a.v != c.v).cast<double>(); break;
      case binary_op::logical_and:
      case binary_op::logical_or: break;  // handled above
    }
    out.m = out.m || !raw.isFinite();  // overflow to +-inf is missing, never a value
    out.v = out.m.select(0.0, raw);
    return out;
  }

  value apply(const call& c, const std::vector<value>& args) {
    const function_info* fn = find_function(c.name);
    if (fn == nullptr) {
      fail(errc::unknown_function, "unknown function '" + c.name + "'");
      return missing_everywhere();
    }
    if (args.size() < fn->min_args || args.size() > fn->max_args) {
      fail(errc::wrong_arity, "wrong number of arguments to " + std::string(fn->usage));
      return missing_everywhere();
    }
    const std::string_view name = fn->name;
    if (name == "if") return conditional(args[0], args[1], args[2]);

    value out;
    for (const value& a : args) out.zero = zero_union(out.zero, a.zero);
    if (name == "missing") {
      out.v = args[0].m.cast<double>();
      out.m = mask::Constant(rows_, false);
      return out;
    }
    // Arguments present, per row.
    Eigen::ArrayXd present = Eigen::ArrayXd::Zero(rows_);
    for (const value& a : args) present += (!a.m).cast<double>();
    if (name == "count" || name == "answered") {
      out.v = present;
      out.m = mask::Constant(rows_, false);
      return out;
    }
    out.m = present == 0.0;
    Eigen::ArrayXd raw;
    if (name == "sum" || name == "mean") {
      raw = Eigen::ArrayXd::Zero(rows_);
      for (const value& a : args) raw += a.v;  // 0 where missing
      if (name == "mean") raw = raw / out.m.select(1.0, present);
    } else {
      const bool is_min = name == "min";
      const double start = is_min ? std::numeric_limits<double>::infinity()
                                  : -std::numeric_limits<double>::infinity();
      raw = Eigen::ArrayXd::Constant(rows_, start);
      for (const value& a : args) {
        if (is_min)
          raw = a.m.select(raw, raw.min(a.v));
        else
          raw = a.m.select(raw, raw.max(a.v));
      }
    }
    out.m = out.m || !raw.isFinite();
    out.v = out.m.select(0.0, raw);
    return out;
  }

  // if(c, a, b): all three are evaluated over every row (whole columns); each row takes its
  // branch, and only the taken branch's divisions by zero count.
  value conditional(const value& condition, const value& then, const value& otherwise) const {
    const mask take_then = !condition.m && (condition.v != 0.0);
    value out;
    out.m = condition.m || take_then.select(then.m, otherwise.m);
    out.v = out.m.select(0.0, take_then.select(then.v, otherwise.v));
    if (then.zero.size() != 0 || otherwise.zero.size() != 0) {
      const mask none = mask::Constant(rows_, false);
      const mask& t = then.zero.size() != 0 ? then.zero : none;
      const mask& o = otherwise.zero.size() != 0 ? otherwise.zero : none;
      out.zero = !condition.m && take_then.select(t, o);
    }
    out.zero = zero_union(out.zero, condition.zero);
    return out;
  }

  value missing_everywhere() const {
    return {Eigen::ArrayXd::Zero(rows_), mask::Constant(rows_, true), {}};
  }

  void fail(errc code, std::string message) {
    errors_.push_back(diagnostic{code, severity::error, std::move(message), {}, {}});
  }

  const environment& env_;
  Eigen::Index rows_;
  std::vector<diagnostic> errors_;
};

// Looks names up among the formulas evaluated so far, then in the inputs.
class formula_environment final : public environment {
 public:
  formula_environment(const environment& inputs,
                      const std::unordered_map<std::string_view, const column*>& computed)
      : inputs_(inputs), computed_(computed) {}
  [[nodiscard]] Eigen::Index rows() const override { return inputs_.rows(); }
  [[nodiscard]] std::optional<column_view> find(std::string_view name) const override {
    if (const auto it = computed_.find(name); it != computed_.end())
      return column_view{it->second->values.data(), it->second->missing.data()};
    return inputs_.find(name);
  }

 private:
  const environment& inputs_;
  const std::unordered_map<std::string_view, const column*>& computed_;
};

}  // namespace detail

inline result<evaluation> evaluate(const expression& formula, const environment& env) {
  detail::evaluator walk(env);
  detail::value v = walk.run(formula);
  std::vector<diagnostic> errors = walk.take_errors();
  if (!errors.empty()) return errors;
  evaluation out;
  out.division_by_zero = v.zero.size() == 0 ? 0 : static_cast<std::int64_t>(v.zero.count());
  out.value.values = std::move(v.v);
  out.value.missing = std::move(v.m);
  return out;
}

inline result<std::vector<evaluation>> evaluate_formulas(const checked_formulas& checked,
                                                         formula_level level,
                                                         const environment& inputs) {
  std::vector<evaluation> results(checked.formulas.size());
  std::unordered_map<std::string_view, const column*> computed;
  const detail::formula_environment env(inputs, computed);
  std::vector<diagnostic> errors;
  for (const std::size_t index : checked.order) {
    const checked_formula& f = checked.formulas[index];
    if (f.level != level) continue;
    result<evaluation> r = evaluate(f.tree, env);
    if (!r) {
      for (diagnostic d : r.diagnostics()) {
        d.message = "formula '" + f.name + "': " + d.message;
        errors.push_back(std::move(d));
      }
      continue;
    }
    results[index] = std::move(r).value();
    computed.emplace(f.name, &results[index].value);
  }
  if (!errors.empty()) return errors;
  return results;
}

}  // namespace qscore::expr
