// The grammar's definition (private), as in the X3 tutorial's employee_def.hpp. Included only by
// expr_grammar.cpp. The language is described in include/qscore/expr/parse.hpp.
//
// Two custom parsers:
//   position      consumes nothing (after skipping white space) and yields the current byte
//                 offset: the first field of every node that records where it was written.
//   nest(w)[p]    parses p one nesting level deeper. Placed right after an opener of width w
//                 ('(' or '-': 1, `not`: 3), it counts the level in parse_state and throws too_deep
//                 as soon as the count passes max_depth, before recursing into p. Every
//                 recursive path through the grammar passes through one, so the parser's own
//                 recursion is bounded by max_depth whatever the input.
#pragma once

#include <boost/spirit/home/x3.hpp>
#include <cstddef>
#include <string>
#include <vector>

#include "ast.hpp"
#include "ast_adapted.hpp"
#include "config.hpp"
#include "grammar.hpp"

namespace qscore::expr::parser {

namespace x3 = boost::spirit::x3;

// --- custom parsers ---------------------------------------------------------------------------

struct position_parser : x3::parser<position_parser> {
  using attribute_type = std::size_t;
  static bool const has_attribute = true;

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const& context, RContext&,
             Attribute& attr) const {
    x3::skip_over(first, last, context);
    const parse_state& state = x3::get<state_tag>(context);
    x3::traits::move_to(static_cast<std::size_t>(first - state.begin), attr);
    return true;
  }
};

position_parser const position{};

template <typename Subject>
struct nest_directive : x3::unary_parser<Subject, nest_directive<Subject>> {
  using base_type = x3::unary_parser<Subject, nest_directive<Subject>>;
  static bool const is_pass_through_unary = true;
  static bool const handles_container = Subject::handles_container;

  nest_directive(Subject const& inner, std::size_t opener_width)
      : base_type(inner), opener_width_(opener_width) {}

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const& context, RContext& rcontext,
             Attribute& attr) const {
    parse_state& state = x3::get<state_tag>(context);
    const auto opener = static_cast<std::size_t>(first - state.begin) - opener_width_;
    if (state.depth >= state.max_depth) throw too_deep{opener};
    struct level {
      parse_state& state;
      explicit level(parse_state& s) : state(s) { ++state.depth; }
      level(const level&) = delete;
      level& operator=(const level&) = delete;
      ~level() { --state.depth; }
    } guard(state);
    try {
      return this->subject.parse(first, last, context, rcontext, attr);
    } catch (x3::expectation_failure<Iterator> const&) {
      // The innermost bracket around a failed expectation: its ')' is what is missing when
      // the expectation was for ')'.
      if (!state.open_bracket && opener_width_ == 1 && state.begin[opener] == '(')
        state.open_bracket = opener;
      throw;
    }
  }

 private:
  std::size_t opener_width_;
};

struct nest_gen {
  std::size_t opener_width;
  template <typename Subject>
  nest_directive<typename x3::extension::as_parser<Subject>::value_type> operator[](
      Subject const& subject) const {
    return {x3::as_parser(subject), opener_width};
  }
};

inline nest_gen nest(std::size_t opener_width) { return {opener_width}; }

}  // namespace qscore::expr::parser

// An expectation on nest[p] reports what p expects, not nest's type name.
namespace boost::spirit::x3 {
template <typename Subject>
struct get_info<qscore::expr::parser::nest_directive<Subject>> {
  using result_type = std::string;
  std::string operator()(qscore::expr::parser::nest_directive<Subject> const& p) const {
    return what(p.subject);
  }
};
}  // namespace boost::spirit::x3

namespace qscore::expr::parser {

// --- tokens ---------------------------------------------------------------------------------

auto const name_start = x3::char_("A-Za-z_");
auto const name_char = x3::char_("A-Za-z0-9_.");
auto const digits = +x3::char_("0-9");

auto const kw_and = x3::lexeme[x3::lit("and") >> !name_char];
auto const kw_or = x3::lexeme[x3::lit("or") >> !name_char];
auto const kw_not = x3::lexeme[x3::lit("not") >> !name_char];
auto const keyword = kw_and | kw_or | kw_not;

struct additive_op_table : x3::symbols<binary_op> {
  additive_op_table() { add("+", binary_op::add)("-", binary_op::subtract); }
} const additive_op;

struct multiplicative_op_table : x3::symbols<binary_op> {
  multiplicative_op_table() { add("*", binary_op::multiply)("/", binary_op::divide); }
} const multiplicative_op;

struct comparison_op_table : x3::symbols<binary_op> {
  comparison_op_table() {
    add("<", binary_op::less)("<=", binary_op::less_equal)(">", binary_op::greater)(
        ">=", binary_op::greater_equal)("==", binary_op::equal)("!=", binary_op::not_equal);
  }
} const comparison_op;

// --- rules ----------------------------------------------------------------------------------
// The names feed "expected ..." messages: "operand" and "expression" both read as "a number, a
// name or '('".

x3::rule<class and_expr_class, x3ast::expression> const and_expr = "operand";
x3::rule<class not_expr_class, x3ast::operand> const not_expr = "operand";
x3::rule<class comparison_class, x3ast::expression> const comparison = "operand";
x3::rule<class additive_class, x3ast::expression> const additive = "operand";
x3::rule<class multiplicative_class, x3ast::expression> const multiplicative = "operand";
x3::rule<class unary_expr_class, x3ast::operand> const unary_expr = "operand";
x3::rule<class primary_class, x3ast::operand> const primary = "operand";

x3::rule<class or_operation_class, x3ast::operation> const or_operation = "or";
x3::rule<class and_operation_class, x3ast::operation> const and_operation = "and";
x3::rule<class comparison_operation_class, x3ast::operation> const comparison_operation =
    "comparison";
x3::rule<class additive_operation_class, x3ast::operation> const additive_operation = "'+'";
x3::rule<class multiplicative_operation_class, x3ast::operation> const multiplicative_operation =
    "'*'";
x3::rule<class logical_not_class, x3ast::unary> const logical_not = "not";
x3::rule<class negation_class, x3ast::unary> const negation = "'-'";

x3::rule<class number_class, x3ast::number> const number = "number";
x3::rule<class call_class, x3ast::call> const call = "call";
x3::rule<class reference_class, x3ast::reference> const reference = "name";
x3::rule<class name_class, std::string> const name = "name";
x3::rule<class arguments_class, std::vector<x3ast::expression>> const arguments = "arguments";

expression_type const expression = "expression";

auto const expression_def = and_expr >> *or_operation;
auto const or_operation_def = (position >> kw_or >> x3::attr(binary_op::logical_or)) > and_expr;

auto const and_expr_def = not_expr >> *and_operation;
auto const and_operation_def =
    (position >> kw_and >> x3::attr(binary_op::logical_and)) > not_expr;

auto const not_expr_def = logical_not | comparison;
auto const logical_not_def =
    (position >> kw_not >> x3::attr(unary_op::logical_not)) > nest(3)[not_expr];

// At most one comparison: `a < b < c` leaves "< c" unparsed, which parse_expression reports.
auto const comparison_def = additive >> x3::repeat(0, 1)[comparison_operation];
auto const comparison_operation_def = (position >> comparison_op) > additive;

auto const additive_def = multiplicative >> *additive_operation;
auto const additive_operation_def = (position >> additive_op) > multiplicative;

auto const multiplicative_def = unary_expr >> *multiplicative_operation;
auto const multiplicative_operation_def = (position >> multiplicative_op) > unary_expr;

auto const unary_expr_def = negation | primary;
auto const negation_def =
    (position >> x3::lit('-') >> x3::attr(unary_op::negate)) > nest(1)[unary_expr];

auto const primary_def = number | call | reference | (x3::lit('(') > nest(1)[expression > ')']);

auto const number_def =
    position >> x3::raw[x3::lexeme[((digits >> -('.' >> digits)) | ('.' >> digits)) >>
                                   -(x3::char_("eE") >> -x3::char_("+-") >> digits)]];
auto const call_def = (position >> name >> '(') > nest(1)[arguments > ')'];
auto const reference_def = position >> name;
auto const name_def = x3::lexeme[name_start >> *name_char] - keyword;
auto const arguments_def = -(expression > *(',' > expression));

BOOST_SPIRIT_DEFINE(expression, or_operation, and_expr, and_operation, not_expr, logical_not,
                    comparison, comparison_operation, additive, additive_operation,
                    multiplicative, multiplicative_operation, unary_expr, negation, primary,
                    number, call, reference, name, arguments)

}  // namespace qscore::expr::parser
