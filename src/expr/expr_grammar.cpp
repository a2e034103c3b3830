// parse_expression(): the only translation unit that includes Spirit X3 (DESIGN.md). It
// instantiates the grammar of grammar_def.hpp once, with the one context type of config.hpp,
// catches every parser exception at this boundary, and converts the parser's tree to the public
// qscore::expr tree.
//
// What is checked here, and reported as diagnostics with the line and column in the file:
//   D041  the text is longer than limits.max_length (checked before parsing)
//   D042  nesting passes limits.max_depth (the grammar stops at once: see grammar_def.hpp)
//   D040  anything else: an expectation that failed (x3::expectation_failure: what was expected
//         and what was found), text left over after a complete expression (first != last), an
//         empty formula, a number that overflows a double
#include "qscore/expr/parse.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "ast.hpp"
#include "config.hpp"
#include "grammar.hpp"
#include "grammar_def.hpp"

namespace qscore::expr::parser {
BOOST_SPIRIT_INSTANTIATE(expression_type, iterator_type, context_type)
}  // namespace qscore::expr::parser

namespace qscore::expr {

source_location locate(std::string_view text, std::size_t offset, const source_location& origin) {
  source_location at = origin;
  if (!origin.known()) return at;
  offset = std::min(offset, text.size());
  for (std::size_t i = 0; i < offset; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++at.line;
      at.column = origin.column;
    } else if ((c & 0xC0U) != 0x80U) {  // not a UTF-8 continuation byte: a new character
      ++at.column;
    }
  }
  return at;
}

namespace {

namespace x3 = boost::spirit::x3;

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.';
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::size_t skip_space(std::string_view text, std::size_t offset) {
  while (offset < text.size() && is_space(text[offset])) ++offset;
  return offset;
}

bool starts_with(std::string_view text, std::size_t offset, std::string_view prefix) {
  return text.substr(offset, prefix.size()) == prefix;
}

// What stands at `offset`, for "found ...": a whole name or number, a two-character operator, one
// character (a whole UTF-8 sequence), or "end of formula".
std::string describe(std::string_view text, std::size_t offset) {
  if (offset >= text.size()) return "end of formula";
  const char c = text[offset];
  if (is_name_char(c)) {
    std::size_t end = offset;
    while (end < text.size() && is_name_char(text[end]) && end - offset < 32) ++end;
    std::string token(text.substr(offset, end - offset));
    if (end < text.size() && is_name_char(text[end])) token += "...";
    return "'" + token + "'";
  }
  for (std::string_view two : {"<=", ">=", "==", "!=", "&&", "||"})
    if (starts_with(text, offset, two)) return "'" + std::string(two) + "'";
  const auto byte = static_cast<unsigned char>(c);
  auto hex = [](unsigned value) {
    const char* digits = "0123456789abcdef";
    return std::string("0x") + digits[(value >> 4U) & 0xFU] + digits[value & 0xFU];
  };
  if (byte < 0x20U || byte == 0x7FU) return "control character " + hex(byte);
  if (byte < 0x80U) return std::string("'") + c + "'";
  // A UTF-8 sequence: quote it whole when it is well formed, else name the byte.
  const std::size_t length = byte >= 0xF0U && byte < 0xF5U ? 4 : byte >= 0xE0U ? 3 : byte >= 0xC2U ? 2 : 0;
  if (length == 0 || byte >= 0xF5U || offset + length > text.size()) return "byte " + hex(byte);
  for (std::size_t i = 1; i < length; ++i)
    if ((static_cast<unsigned char>(text[offset + i]) & 0xC0U) != 0x80U) return "byte " + hex(byte);
  return "'" + std::string(text.substr(offset, length)) + "'";
}

// A hint for a token that people often write from other languages.
std::string hint(std::string_view text, std::size_t offset) {
  if (starts_with(text, offset, "&&")) return "; write 'and'";
  if (starts_with(text, offset, "||")) return "; write 'or'";
  if (starts_with(text, offset, "==") || starts_with(text, offset, "!=")) return {};
  if (starts_with(text, offset, "=")) return "; write '==' to compare";
  if (starts_with(text, offset, "!")) return "; write 'not'";
  return {};
}

constexpr std::string_view operand_expected = "expected a number, a name or '('";

class converter {
 public:
  converter(std::string_view text, const source_location& origin, std::vector<diagnostic>& errors)
      : text_(text), origin_(origin), errors_(errors) {}

  expression operator()(const x3ast::expression& e) const {
    expression result = (*this)(e.first);
    for (const x3ast::operation& step : e.rest) {
      expression right = (*this)(step.rhs);
      result = expression{binary{step.op, std::move(result), std::move(right), step.offset}};
    }
    return result;
  }

  expression operator()(const x3ast::operand& o) const {
    return boost::apply_visitor([this](const auto& node) { return convert(node); }, o);
  }

 private:
  template <class T>
  expression convert(const x3::forward_ast<T>& node) const {
    return convert(node.get());
  }
  expression convert(const x3ast::expression& e) const { return (*this)(e); }

  expression convert(const x3ast::number& n) const {
    double value = 0.0;
    const char* first = n.text.data();
    const char* last = first + n.text.size();
    const auto [end, ec] = std::from_chars(first, last, value);
    if (ec != std::errc() || end != last || !std::isfinite(value)) {
      errors_.push_back(diagnostic{errc::formula_syntax, severity::error,
                                   "number " + n.text + " is out of the range of a double",
                                   locate(text_, n.offset, origin_), {}});
      value = 0.0;
    }
    return expression{number{value, n.offset}};
  }

  expression convert(const x3ast::reference& r) const {
    return expression{reference{r.name, r.offset}};
  }

  expression convert(const x3ast::unary& u) const {
    return expression{unary{u.op, (*this)(u.rhs), u.offset}};
  }

  expression convert(const x3ast::call& c) const {
    call out{c.name, {}, c.offset};
    out.args.reserve(c.args.size());
    for (const x3ast::expression& arg : c.args) out.args.push_back((*this)(arg));
    return expression{std::move(out)};
  }

  std::string_view text_;
  const source_location& origin_;
  std::vector<diagnostic>& errors_;
};

}  // namespace

result<expression> parse_expression(std::string_view text, source_location origin,
                                    expr_limits limits) {
  const std::size_t max_length = std::min(limits.max_length, expr_limits::length_ceiling);
  const int max_depth = std::clamp(limits.max_depth, 0, expr_limits::depth_ceiling);

  auto fail = [&](errc code, std::string message, std::size_t offset) -> result<expression> {
    return std::vector<diagnostic>{
        diagnostic{code, severity::error, std::move(message), locate(text, offset, origin), {}}};
  };

  if (text.size() > max_length)
    return fail(errc::formula_too_long,
                "formula is " + std::to_string(text.size()) + " bytes long, more than the limit of " +
                    std::to_string(max_length),
                max_length);

  parser::parse_state state;
  state.begin = text.data();
  state.max_depth = max_depth;
  static const parser::skipper_type skipper(" \t\n\r\f\v");

  parser::iterator_type first = text.data();
  parser::iterator_type const last = text.data() + text.size();
  x3ast::expression tree;
  bool ok = false;
  try {
    ok = x3::phrase_parse(first, last, x3::with<parser::state_tag>(state)[parser::expression],
                          skipper, tree);
  } catch (const x3::expectation_failure<parser::iterator_type>& failure) {
    // Point at what was found instead; at the end of the text, just after the last token (not
    // past trailing white space, which may be the line after a block scalar). X3's where() may
    // be before or after the white space that precedes the failure.
    std::size_t at = skip_space(text, static_cast<std::size_t>(failure.where() - text.data()));
    const std::string found = describe(text, at);
    if (at == text.size())
      while (at > 0 && is_space(text[at - 1])) --at;
    const std::string expected = failure.which();
    std::string message;
    if (expected == "')'") {
      message = "expected ')'";
      if (state.open_bracket) {
        const source_location opened = locate(text, *state.open_bracket, origin);
        message += opened.known() ? " to close the '(' at " + std::to_string(opened.line) + ":" +
                                        std::to_string(opened.column)
                                  : " to close the '(' at offset " + std::to_string(*state.open_bracket);
      }
    } else if (!expected.empty() && expected.front() == '\'') {
      message = "expected " + expected;
    } else {
      message = std::string(operand_expected);
    }
    return fail(errc::formula_syntax, message + ", found " + found + hint(text, at), at);
  } catch (const parser::too_deep& deep) {
    return fail(errc::formula_too_deep,
                "formula nests deeper than " + std::to_string(max_depth) +
                    " levels (each '(', call, '-' and 'not' opens one)",
                deep.offset);
  }

  const std::size_t at = skip_space(text, static_cast<std::size_t>(first - text.data()));
  if (!ok) {
    if (at == text.size()) return fail(errc::formula_syntax, "empty formula", at);
    return fail(errc::formula_syntax,
                std::string(operand_expected) + ", found " + describe(text, at) + hint(text, at), at);
  }
  if (at != text.size()) {
    const char c = text[at];
    std::string message;
    if (c == ')') {
      message = "unmatched ')'";
    } else if (c == '<' || c == '>' || starts_with(text, at, "==") || starts_with(text, at, "!=")) {
      message = "unexpected " + describe(text, at) +
                ": comparisons do not chain (write 'a < b and b < c', or use parentheses)";
    } else if ((is_name_char(c) && c != '.') || c == '(') {
      message = "expected an operator, found " + describe(text, at);
    } else {
      message = "unexpected " + describe(text, at) + hint(text, at);
    }
    return fail(errc::formula_syntax, std::move(message), at);
  }

  std::vector<diagnostic> errors;
  expression result = converter(text, origin, errors)(tree);
  if (!errors.empty()) return errors;
  return result;
}

}  // namespace qscore::expr
