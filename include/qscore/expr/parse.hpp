// Parsing one formula. The grammar (Boost.Spirit X3) is compiled once, in src/expr/; this header
// includes no Spirit header.
//
// The language, loosest binding first:
//
//   or                      a or b                 (three-valued logic, see expr/evaluate.hpp)
//   and                     a and b
//   not                     not a                  (prefix; `not not a` is allowed)
//   comparison              < <= > >= == !=        (does not chain: `a < b < c` is an error)
//   additive                + -                    (left-associative)
//   multiplicative          * /                    (left-associative)
//   unary minus             -a                     (`- -a` is allowed; there is no unary +)
//   primary                 number, name, name(args...), ( expression )
//
//   number       digits with an optional fraction and exponent: 12, 0.5, .5, 1e3, 2.5E-2;
//                locale-independent (the decimal mark is always '.'); no sign (that is unary
//                minus), no trailing dot, no inf or nan; a number that overflows is an error
//   name         [A-Za-z_][A-Za-z0-9_.]*, except the keywords and, or, not
//   call         name(arg, ...), possibly with no argument; which names are functions and how
//                many arguments they take is checked by check_formulas(), not here
//   white space  blanks, tabs, CR and LF anywhere between tokens (multi-line YAML scalars)
//
// Limits: a formula longer than max_length bytes is refused before parsing (D041). Nesting (each
// parenthesis, call's argument list, unary minus and `not` opens one level) deeper than max_depth
// is refused as soon as the parser reaches it (D042), without recursing further: a formula of
// 100,000 '(' returns a diagnostic at once and cannot overflow the stack.
#pragma once

#include <cstddef>
#include <string_view>

#include "qscore/core/diagnostic.hpp"
#include "qscore/expr/ast.hpp"

namespace qscore::expr {

struct expr_limits {
  std::size_t max_length = 4096;  // bytes of formula text
  int max_depth = 64;             // nesting levels (see above)

  // Hard ceilings, applied whatever the values above say. The parser recurses once per nesting
  // level: about 3.5 KiB of stack per level in an optimised build (measured: 128 levels fit in
  // 512 KiB), several times that under AddressSanitizer (128 levels need 1-2 MiB). The tree a
  // formula gives may be max_length / 2 levels deep (a chain `a + a + ... + a` nests to the
  // left), but nothing walks it by recursion: copying, comparing, printing, destroying,
  // checking and evaluating a tree all use explicit stacks on the heap.
  static constexpr std::size_t length_ceiling = 16384;
  static constexpr int depth_ceiling = 128;
};

// Parses `text`, a formula that starts in its file at `origin` (1-based line and column of the
// formula's first character; origin.file names the file). Every diagnostic points at the exact
// line and column of the fault in the file, computed by locate(). Errors: D040 syntax (with what
// was expected and what was found), D041 too long, D042 nested too deep. On success the result
// holds the tree, whose node offsets are byte offsets into `text`.
[[nodiscard]] result<expression> parse_expression(std::string_view text, source_location origin,
                                                  expr_limits limits = {});

// The file position of byte `offset` of `text` (offset may be text.size(), the end), for a
// formula that starts at `origin`. On the formula's first line, column = origin.column + the
// characters before offset; after a line feed in the text, the line advances and the column
// restarts at origin.column: that is exact for one-line scalars (plain or quoted without escapes)
// and for literal block scalars (`|`), whose lines all start at the block's indentation. Columns
// count characters (UTF-8 code points), not bytes. An unknown origin (line 0) stays unknown.
[[nodiscard]] source_location locate(std::string_view text, std::size_t offset,
                                     const source_location& origin);

}  // namespace qscore::expr
