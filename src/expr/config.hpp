// The parser's configuration (private): iterator, skipper and the one context type that the
// grammar is instantiated with. grammar_def.hpp's BOOST_SPIRIT_INSTANTIATE and the call in
// expr_grammar.cpp must use exactly this context, or the program compiles and then fails to link
// (cierelabs/x3_fun#12): the state is injected with x3::with<state_tag> around a phrase parse
// with `skipper_type`, which is what context_type spells out.
#pragma once

#include <boost/spirit/home/x3.hpp>
#include <cstddef>
#include <optional>

namespace qscore::expr::parser {

namespace x3 = boost::spirit::x3;

using iterator_type = const char*;

// White space between tokens: blank, tab, LF, CR, FF, VT. A character set, not a character class,
// so that it does not depend on the locale and is safe for bytes >= 0x80.
using skipper_type = x3::char_set<boost::spirit::char_encoding::standard>;

// What the grammar's custom parsers need while parsing: where the text starts (to turn iterators
// into offsets) and the nesting depth, counted on the way down and refused past max_depth.
struct parse_state {
  iterator_type begin = nullptr;
  int depth = 0;
  int max_depth = 64;
  // When an expectation fails inside brackets: the offset of the innermost open '(' (for
  // "expected ')' to close the '(' at ...").
  std::optional<std::size_t> open_bracket;
};

struct state_tag;

// Thrown (and caught in parse_expression) when the nesting depth passes max_depth; `offset` is the
// operator or bracket that would open the level too many.
struct too_deep {
  std::size_t offset = 0;
};

using phrase_context_type = x3::phrase_parse_context<skipper_type>::type;
using context_type = x3::context<state_tag, parse_state, phrase_context_type>;

}  // namespace qscore::expr::parser
