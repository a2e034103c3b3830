// The formula language's syntax tree: plain value types (std::variant and structs), with no
// parser types in them. parse_expression() (expr/parse.hpp) builds it; check_formulas()
// (expr/check.hpp) resolves it; evaluate() (expr/evaluate.hpp) runs it over a batch.
//
// Every node carries `offset`, the 0-based byte offset in the formula text of the character that
// names the node: a number's first digit, a reference's or a call's name, a unary or binary
// operator. locate() (expr/parse.hpp) turns an offset into a line and column of the file.
//
// This header includes no Spirit header, and must never include one (DESIGN.md: Spirit stays in
// src/expr/); tests/unit/expr_parse_test.cpp checks that.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

namespace qscore::expr {

// A value-semantic owning pointer (a copy copies the pointee), so that the recursive node types
// below copy, move and compare like plain values. A moved-from indirect is empty (false); only
// assignment, destruction and that test are allowed on it.
template <class T>
class indirect {
 public:
  indirect() : p_(std::make_unique<T>()) {}
  indirect(T value) : p_(std::make_unique<T>(std::move(value))) {}  // NOLINT(google-explicit-constructor)
  indirect(const indirect& other) : p_(other.p_ ? std::make_unique<T>(*other.p_) : nullptr) {}
  indirect(indirect&&) noexcept = default;
  indirect& operator=(const indirect& other) {
    if (this != &other) p_ = other.p_ ? std::make_unique<T>(*other.p_) : nullptr;
    return *this;
  }
  indirect& operator=(indirect&&) noexcept = default;
  ~indirect() = default;

  // False only for a moved-from indirect.
  explicit operator bool() const noexcept { return p_ != nullptr; }

  [[nodiscard]] T& operator*() { return *p_; }
  [[nodiscard]] const T& operator*() const { return *p_; }
  [[nodiscard]] T* operator->() { return p_.get(); }
  [[nodiscard]] const T* operator->() const { return p_.get(); }

  friend bool operator==(const indirect& a, const indirect& b) {
    if (!a.p_ || !b.p_) return a.p_ == b.p_;
    return *a.p_ == *b.p_;
  }

 private:
  std::unique_ptr<T> p_;
};

enum class unary_op : std::uint8_t {
  negate,       // -x
  logical_not,  // not x
};

enum class binary_op : std::uint8_t {
  add,            // +
  subtract,       // -
  multiply,       // *
  divide,         // /
  less,           // <
  less_equal,     // <=
  greater,        // >
  greater_equal,  // >=
  equal,          // ==
  not_equal,      // !=
  logical_and,    // and
  logical_or,     // or
};

// The operator as written in a formula.
[[nodiscard]] constexpr std::string_view spelling(unary_op op) noexcept {
  return op == unary_op::negate ? "-" : "not";
}
[[nodiscard]] constexpr std::string_view spelling(binary_op op) noexcept {
  switch (op) {
    case binary_op::add: return "+";
    case binary_op::subtract: return "-";
    case binary_op::multiply: return "*";
    case binary_op::divide: return "/";
    case binary_op::less: return "<";
    case binary_op::less_equal: return "<=";
    case binary_op::greater: return ">";
    case binary_op::greater_equal: return ">=";
    case binary_op::equal: return "==";
    case binary_op::not_equal: return "!=";
    case binary_op::logical_and: return "and";
    case binary_op::logical_or: return "or";
  }
  return "?";
}

struct expression;

// 12, 0.5, .25, 1e3: always finite.
struct number {
  double value = 0.0;
  std::size_t offset = 0;
  friend bool operator==(const number&, const number&) = default;
};

// A name: an item, a dimension, a component, another formula, or `answered`.
struct reference {
  std::string name;
  std::size_t offset = 0;
  friend bool operator==(const reference&, const reference&) = default;
};

// -x, not x. `offset` is the operator's.
struct unary {
  unary_op op = unary_op::negate;
  indirect<expression> operand;
  std::size_t offset = 0;
  friend bool operator==(const unary&, const unary&) = default;
};

// a + b, a < b, a and b, ... `offset` is the operator's.
struct binary {
  binary_op op = binary_op::add;
  indirect<expression> left;
  indirect<expression> right;
  std::size_t offset = 0;
  friend bool operator==(const binary&, const binary&) = default;
};

// mean(q01, q02), if(c, a, b). `offset` is the function name's.
struct call {
  std::string name;
  std::vector<expression> args;
  std::size_t offset = 0;
  friend bool operator==(const call&, const call&) = default;
};

// A formula, or any part of one. Copying, comparing, printing and destroying a tree walk it
// with an explicit stack, not by recursion: a chain `a + a + ... + a` nests to the left one level
// per operator, thousands of levels for a long formula.
struct expression {
  std::variant<number, reference, unary, binary, call> node;

  expression() = default;  // the number 0
  expression(number n) : node(std::move(n)) {}        // NOLINT(google-explicit-constructor)
  expression(reference r) : node(std::move(r)) {}     // NOLINT(google-explicit-constructor)
  expression(unary u) : node(std::move(u)) {}         // NOLINT(google-explicit-constructor)
  expression(binary b) : node(std::move(b)) {}        // NOLINT(google-explicit-constructor)
  expression(call c) : node(std::move(c)) {}          // NOLINT(google-explicit-constructor)
  expression(const expression& other);
  expression(expression&&) noexcept = default;
  expression& operator=(const expression& other) {
    if (this != &other) {
      expression copy(other);
      *this = std::move(copy);
    }
    return *this;
  }
  expression& operator=(expression&&) noexcept = default;
  ~expression();

  // The offset of this node (see the node types: for operators, the operator's).
  [[nodiscard]] std::size_t offset() const {
    return std::visit([](const auto& n) { return n.offset; }, node);
  }
  friend bool operator==(const expression& a, const expression& b);
};

namespace detail {

// Moves the children of `e` to `out` and leaves `e` a leaf, so that destroying it recurses no
// further.
inline void take_children(expression& e, std::vector<expression>& out) {
  if (auto* u = std::get_if<unary>(&e.node)) {
    if (u->operand) out.push_back(std::move(*u->operand));
  } else if (auto* b = std::get_if<binary>(&e.node)) {
    if (b->left) out.push_back(std::move(*b->left));
    if (b->right) out.push_back(std::move(*b->right));
  } else if (auto* c = std::get_if<call>(&e.node)) {
    for (expression& arg : c->args) out.push_back(std::move(arg));
  } else {
    return;
  }
  e.node = number{};
}

}  // namespace detail

inline expression::~expression() {
  if (std::holds_alternative<number>(node) || std::holds_alternative<reference>(node)) return;
  std::vector<expression> pending;
  detail::take_children(*this, pending);
  while (!pending.empty()) {
    expression last = std::move(pending.back());
    pending.pop_back();
    detail::take_children(last, pending);
  }
}

inline expression::expression(const expression& other) {
  std::vector<std::pair<const expression*, expression*>> work{{&other, this}};
  while (!work.empty()) {
    const auto [from, to] = work.back();
    work.pop_back();
    if (const auto* n = std::get_if<number>(&from->node)) {
      to->node = *n;
    } else if (const auto* r = std::get_if<reference>(&from->node)) {
      to->node = *r;
    } else if (const auto* u = std::get_if<unary>(&from->node)) {
      to->node = unary{u->op, {}, u->offset};
      if (u->operand) work.emplace_back(&*u->operand, &*std::get<unary>(to->node).operand);
    } else if (const auto* b = std::get_if<binary>(&from->node)) {
      to->node = binary{b->op, {}, {}, b->offset};
      auto& copy = std::get<binary>(to->node);
      if (b->right) work.emplace_back(&*b->right, &*copy.right);
      if (b->left) work.emplace_back(&*b->left, &*copy.left);
    } else if (const auto* c = std::get_if<call>(&from->node)) {
      to->node = call{c->name, std::vector<expression>(c->args.size()), c->offset};
      auto& copy = std::get<call>(to->node);
      for (std::size_t i = c->args.size(); i-- > 0;) work.emplace_back(&c->args[i], &copy.args[i]);
    }
  }
}

inline bool operator==(const expression& a, const expression& b) {
  std::vector<std::pair<const expression*, const expression*>> work{{&a, &b}};
  while (!work.empty()) {
    const auto [x, y] = work.back();
    work.pop_back();
    if (x->node.index() != y->node.index()) return false;
    if (const auto* n = std::get_if<number>(&x->node)) {
      if (!(*n == std::get<number>(y->node))) return false;
    } else if (const auto* r = std::get_if<reference>(&x->node)) {
      if (!(*r == std::get<reference>(y->node))) return false;
    } else if (const auto* u = std::get_if<unary>(&x->node)) {
      const auto& v = std::get<unary>(y->node);
      if (u->op != v.op || u->offset != v.offset || !u->operand != !v.operand) return false;
      if (u->operand) work.emplace_back(&*u->operand, &*v.operand);
    } else if (const auto* p = std::get_if<binary>(&x->node)) {
      const auto& q = std::get<binary>(y->node);
      if (p->op != q.op || p->offset != q.offset || !p->left != !q.left || !p->right != !q.right)
        return false;
      if (p->left) work.emplace_back(&*p->left, &*q.left);
      if (p->right) work.emplace_back(&*p->right, &*q.right);
    } else {
      const auto& c = std::get<call>(x->node);
      const auto& d = std::get<call>(y->node);
      if (c.name != d.name || c.offset != d.offset || c.args.size() != d.args.size()) return false;
      for (std::size_t i = 0; i < c.args.size(); ++i) work.emplace_back(&c.args[i], &d.args[i]);
    }
  }
  return true;
}

// The expression written back with every operator application in parentheses, numbers in their
// shortest round-trip form: `1 + 2 * -x` gives "(1 + (2 * (-x)))", `mean(a, b)` gives
// "mean(a, b)". Meant for tests and debugging messages.
[[nodiscard]] inline std::string to_string(const expression& e) {
  // Work items: a subtree to print, or text to copy; taken from the back.
  std::vector<std::variant<const expression*, std::string_view>> work{&e};
  std::string out;
  while (!work.empty()) {
    const auto item = work.back();
    work.pop_back();
    if (const auto* text = std::get_if<std::string_view>(&item)) {
      out += *text;
      continue;
    }
    const expression& x = *std::get<const expression*>(item);
    if (const auto* n = std::get_if<number>(&x.node)) {
      char buffer[32];
      const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, n->value);
      if (ec == std::errc()) out.append(buffer, end);
    } else if (const auto* r = std::get_if<reference>(&x.node)) {
      out += r->name;
    } else if (const auto* u = std::get_if<unary>(&x.node)) {
      out += '(';
      out += spelling(u->op);
      if (u->op == unary_op::logical_not) out += ' ';
      work.emplace_back(std::string_view(")"));
      if (u->operand) work.emplace_back(&*u->operand);
    } else if (const auto* b = std::get_if<binary>(&x.node)) {
      out += '(';
      work.emplace_back(std::string_view(")"));
      if (b->right) work.emplace_back(&*b->right);
      work.emplace_back(std::string_view(" "));
      work.emplace_back(spelling(b->op));
      work.emplace_back(std::string_view(" "));
      if (b->left) work.emplace_back(&*b->left);
    } else if (const auto* c = std::get_if<call>(&x.node)) {
      out += c->name;
      out += '(';
      work.emplace_back(std::string_view(")"));
      for (std::size_t i = c->args.size(); i-- > 0;) {
        work.emplace_back(&c->args[i]);
        if (i > 0) work.emplace_back(std::string_view(", "));
      }
    }
  }
  return out;
}

}  // namespace qscore::expr
