// The parser's own syntax tree (private): shaped for Spirit X3's attribute rules, with
// x3::variant and x3::forward_ast. expr_grammar.cpp converts it to the public qscore::expr tree
// (include/qscore/expr/ast.hpp) at once; nothing outside src/expr/ sees these types.
//
// Layout after the X3 "minimal program structure" tutorial: ast.hpp, ast_adapted.hpp,
// config.hpp, grammar.hpp (declarations), grammar_def.hpp (definitions), and one .cpp
// (expr_grammar.cpp) that instantiates the grammar. Only that .cpp includes these headers.
#pragma once

#include <boost/spirit/home/x3/support/ast/variant.hpp>
#include <cstddef>
#include <string>
#include <vector>

#include "qscore/expr/ast.hpp"

namespace qscore::expr::x3ast {

namespace x3 = boost::spirit::x3;

struct expression;
struct call;
struct unary;

// Every node that needs a position takes it from the `position` pseudo-parser as its first
// field: the byte offset of the node's first token (after white space).
struct number {
  std::size_t offset = 0;
  std::string text;  // as written; converted with std::from_chars (exact, locale-independent)
};

struct reference {
  std::size_t offset = 0;
  std::string name;
};

struct operand : x3::variant<number, reference, x3::forward_ast<call>, x3::forward_ast<unary>,
                             x3::forward_ast<expression>> {
  using base_type::base_type;
  using base_type::operator=;
};

struct call {
  std::size_t offset = 0;
  std::string name;
  std::vector<expression> args;
};

struct unary {
  std::size_t offset = 0;
  unary_op op = unary_op::negate;
  operand rhs;
};

// One step of a left-associative chain: `+ b` in `a + b + c`.
struct operation {
  std::size_t offset = 0;
  binary_op op = binary_op::add;
  operand rhs;
};

// `first` followed by any number of operations at one precedence level (at most one for a
// comparison).
struct expression {
  operand first;
  std::vector<operation> rest;
};

}  // namespace qscore::expr::x3ast
