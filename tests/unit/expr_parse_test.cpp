// parse_expression(): the formula grammar (precedence, associativity, calls, numbers, white
// space), node offsets, positions in the file (one-line and multi-line formulas), syntax errors
// with their exact line:column, and the length and depth limits.
//
// Every expected position below was counted by hand from the formula text: the origin is where
// the formula's first character sits in the file, a column advances one per character (not per
// byte), and a line feed moves to the next line at the origin's column (a literal block scalar).
#include "qscore/expr/parse.hpp"

#include <gtest/gtest.h>

#include <clocale>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <locale>
#include <regex>
#include <string>
#include <vector>

namespace {

using namespace qscore;
using namespace qscore::expr;

const source_location origin{"def.yaml", 12, 14};

std::string parsed(std::string_view text) {
  const result<expression> r = parse_expression(text, origin);
  if (!r) return "error: " + r.diagnostics().front().to_string();
  return to_string(*r);
}

// The single diagnostic of a formula that must fail.
std::string failure(std::string_view text, source_location at = origin, expr_limits limits = {}) {
  const result<expression> r = parse_expression(text, at, limits);
  if (r) return "parsed: " + to_string(*r);
  EXPECT_EQ(r.diagnostics().size(), 1U) << text;
  return r.diagnostics().front().to_string();
}

TEST(expr_parse, precedence) {
  EXPECT_EQ(parsed("1 + 2 * 3"), "(1 + (2 * 3))");
  EXPECT_EQ(parsed("(1 + 2) * 3"), "((1 + 2) * 3)");
  EXPECT_EQ(parsed("a + b / c - d"), "((a + (b / c)) - d)");
  EXPECT_EQ(parsed("-a * b"), "((-a) * b)");
  EXPECT_EQ(parsed("a * -b"), "(a * (-b))");
  EXPECT_EQ(parsed("a < b + 1"), "(a < (b + 1))");
  EXPECT_EQ(parsed("a + 1 >= b * 2"), "((a + 1) >= (b * 2))");
  EXPECT_EQ(parsed("not a < b"), "(not (a < b))");
  EXPECT_EQ(parsed("not a and b"), "((not a) and b)");
  EXPECT_EQ(parsed("a or b and c"), "(a or (b and c))");
  EXPECT_EQ(parsed("a and b or c and d"), "((a and b) or (c and d))");
  EXPECT_EQ(parsed("a == 1 or b != 2 and not c <= 3"),
            "((a == 1) or ((b != 2) and (not (c <= 3))))");
  EXPECT_EQ(parsed("(a > b) == (c > d)"), "((a > b) == (c > d))");
}

TEST(expr_parse, associativity) {
  EXPECT_EQ(parsed("a - b - c"), "((a - b) - c)");
  EXPECT_EQ(parsed("a / b / c"), "((a / b) / c)");
  EXPECT_EQ(parsed("a - b + c"), "((a - b) + c)");
  EXPECT_EQ(parsed("a * b / c * d"), "(((a * b) / c) * d)");
  EXPECT_EQ(parsed("a or b or c"), "((a or b) or c)");
  EXPECT_EQ(parsed("a and b and c"), "((a and b) and c)");
  EXPECT_EQ(parsed("- -a"), "(-(-a))");
  EXPECT_EQ(parsed("--a"), "(-(-a))");
  EXPECT_EQ(parsed("a--b"), "(a - (-b))");
  EXPECT_EQ(parsed("not not a"), "(not (not a))");
}

TEST(expr_parse, the_issues_examples) {
  EXPECT_EQ(parsed("mean(q01, q02, q03)"), "mean(q01, q02, q03)");
  EXPECT_EQ(parsed("answered >= 6"), "(answered >= 6)");
  EXPECT_EQ(parsed("survey + supervision"), "(survey + supervision)");
  EXPECT_EQ(parsed("max(0, 20 - 0.5*complaints - 1*escalated)"),
            "max(0, ((20 - (0.5 * complaints)) - (1 * escalated)))");
  EXPECT_EQ(parsed("0.6 * service + 0.4 * supervision"),
            "((0.6 * service) + (0.4 * supervision))");
  EXPECT_EQ(parsed("missing(q07) or not missing(q08)"), "(missing(q07) or (not missing(q08)))");
}

TEST(expr_parse, calls) {
  EXPECT_EQ(parsed("f()"), "f()");
  EXPECT_EQ(parsed("f ( )"), "f()");
  EXPECT_EQ(parsed("mean(a)"), "mean(a)");
  EXPECT_EQ(parsed("if(a > 0, b / a, 0)"), "if((a > 0), (b / a), 0)");
  EXPECT_EQ(parsed("max(min(a, b), -c, (d))"), "max(min(a, b), (-c), d)");
  EXPECT_EQ(parsed("not(x)"), "(not x)");
  // Which names are functions is check_formulas()'s business, not the parser's.
  EXPECT_EQ(parsed("anything(1, 2, 3, 4)"), "anything(1, 2, 3, 4)");
}

TEST(expr_parse, names) {
  EXPECT_EQ(parsed("a.b_c.9 + _x1"), "(a.b_c.9 + _x1)");
  // Keywords only as whole words.
  EXPECT_EQ(parsed("order + notable + android"), "((order + notable) + android)");
  EXPECT_EQ(parsed("nottingham"), "nottingham");
  EXPECT_EQ(parsed("or_else and and_then"), "(or_else and and_then)");
  // No inf or nan literals: these are names.
  EXPECT_EQ(parsed("nan + inf + infinity"), "((nan + inf) + infinity)");
}

TEST(expr_parse, numbers) {
  auto value = [](std::string_view text) {
    const result<expression> r = parse_expression(text, origin);
    EXPECT_TRUE(r.has_value()) << text;
    if (!r) return -1.0;
    const auto* n = std::get_if<number>(&r->node);
    EXPECT_NE(n, nullptr) << text;
    return n ? n->value : -1.0;
  };
  EXPECT_EQ(value("12"), 12.0);
  EXPECT_EQ(value("007"), 7.0);
  EXPECT_EQ(value("0.5"), 0.5);
  EXPECT_EQ(value(".25"), 0.25);
  EXPECT_EQ(value("1e3"), 1000.0);
  EXPECT_EQ(value("2.5E-2"), 0.025);
  EXPECT_EQ(value("1E+2"), 100.0);
  EXPECT_EQ(value("0.1"), 0.1);  // correctly rounded (std::from_chars)
  EXPECT_EQ(value("1.7976931348623157e308"), 1.7976931348623157e308);
  // A sign is unary minus, not part of the number.
  EXPECT_EQ(parsed("-1"), "(-1)");
  EXPECT_EQ(parsed("2-1"), "(2 - 1)");
}

// A C++ global locale whose decimal mark is ',' (always available, unlike named C locales).
struct decimal_comma : std::numpunct<char> {
  char do_decimal_point() const override { return ','; }
};

TEST(expr_parse, numbers_ignore_the_cpp_locale) {
  const std::locale previous = std::locale::global(std::locale(std::locale::classic(), new decimal_comma));
  const result<expression> r = parse_expression("0.5 + 1e-1", origin);
  std::locale::global(previous);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(to_string(*r), "(0.5 + 0.1)");
}

TEST(expr_parse, numbers_ignore_the_c_locale) {
  // In a locale whose decimal mark is ',', "0.5" is still one half.
  const char* found = nullptr;
  for (const char* name : {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "ru_RU.UTF-8"})
    if (std::setlocale(LC_ALL, name) != nullptr) {
      found = name;
      break;
    }
  if (found == nullptr) GTEST_SKIP() << "no locale with a decimal comma is installed";
  const result<expression> r = parse_expression("0.5 + 1e-1", origin);
  std::setlocale(LC_ALL, "C");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(to_string(*r), "(0.5 + 0.1)");
}

TEST(expr_parse, white_space) {
  EXPECT_EQ(parsed(" \t1\n+\r\n2 "), "(1 + 2)");
  EXPECT_EQ(parsed("mean(\n  q01,\n  q02\n)\n"), "mean(q01, q02)");
  EXPECT_EQ(parsed("a<=b"), "(a <= b)");
}

TEST(expr_parse, offsets) {
  // a + mean(b, -c)
  // 0123456789012345
  const result<expression> r = parse_expression("a + mean(b, -c)", origin);
  ASSERT_TRUE(r.has_value());
  const auto& plus = std::get<binary>(r->node);
  EXPECT_EQ(plus.offset, 2U);
  EXPECT_EQ(plus.left->offset(), 0U);
  const auto& mean = std::get<call>(plus.right->node);
  EXPECT_EQ(mean.offset, 4U);
  ASSERT_EQ(mean.args.size(), 2U);
  EXPECT_EQ(std::get<reference>(mean.args[0].node).offset, 9U);
  const auto& minus = std::get<unary>(mean.args[1].node);
  EXPECT_EQ(minus.offset, 12U);
  EXPECT_EQ(minus.operand->offset(), 13U);
  // Leading white space and a number:  "  \n 42 and x"
  const result<expression> s = parse_expression("  \n 42 and x", origin);
  ASSERT_TRUE(s.has_value());
  const auto& conj = std::get<binary>(s->node);
  EXPECT_EQ(conj.offset, 7U);
  EXPECT_EQ(conj.left->offset(), 4U);
  EXPECT_EQ(conj.right->offset(), 11U);
}

TEST(expr_parse, locate_counts_characters_and_lines) {
  const source_location at{"f.yaml", 5, 7};
  // "é1\nab": é is two bytes. Byte 2 is '1', the second character: column 8. Byte 5 is 'b',
  // second character of the second line: line 6, column 8.
  const std::string text = "\xC3\xA9" "1\nab";
  EXPECT_EQ(locate(text, 0, at).column, 7);
  EXPECT_EQ(locate(text, 2, at).column, 8);
  EXPECT_EQ(locate(text, 2, at).line, 5);
  EXPECT_EQ(locate(text, 5, at).line, 6);
  EXPECT_EQ(locate(text, 5, at).column, 8);
  EXPECT_EQ(locate(text, 99, at).column, 9);  // clamped to the end
  EXPECT_EQ(locate(text, 5, at).file, "f.yaml");
  EXPECT_FALSE(locate(text, 5, source_location{}).known());
}

TEST(expr_parse, syntax_errors_one_line) {
  // origin 12:14; the column of byte k is 14 + k.
  EXPECT_EQ(failure("1 +"),
            "def.yaml:12:17: error[D040] expected a number, a name or '(', found end of formula");
  EXPECT_EQ(failure("1 +   "),
            "def.yaml:12:17: error[D040] expected a number, a name or '(', found end of formula");
  EXPECT_EQ(failure("(a + b"),
            "def.yaml:12:20: error[D040] expected ')' to close the '(' at 12:14, found end of formula");
  EXPECT_EQ(failure("mean(a, )"),
            "def.yaml:12:22: error[D040] expected a number, a name or '(', found ')'");
  EXPECT_EQ(failure("mean(a b)"),
            "def.yaml:12:21: error[D040] expected ')' to close the '(' at 12:18, found 'b'");
  EXPECT_EQ(failure("a + b)"), "def.yaml:12:19: error[D040] unmatched ')'");
  EXPECT_EQ(failure("a < b < c"),
            "def.yaml:12:20: error[D040] unexpected '<': comparisons do not chain (write 'a < b "
            "and b < c', or use parentheses)");
  EXPECT_EQ(failure("a > b == c"),
            "def.yaml:12:20: error[D040] unexpected '==': comparisons do not chain (write 'a < b "
            "and b < c', or use parentheses)");
  EXPECT_EQ(failure("a = 1"), "def.yaml:12:16: error[D040] unexpected '='; write '==' to compare");
  EXPECT_EQ(failure("a && b"), "def.yaml:12:16: error[D040] unexpected '&&'; write 'and'");
  EXPECT_EQ(failure("a || b"), "def.yaml:12:16: error[D040] unexpected '||'; write 'or'");
  EXPECT_EQ(failure("!a"),
            "def.yaml:12:14: error[D040] expected a number, a name or '(', found '!'; write 'not'");
  EXPECT_EQ(failure("q01 q02"), "def.yaml:12:18: error[D040] expected an operator, found 'q02'");
  EXPECT_EQ(failure("2x"), "def.yaml:12:15: error[D040] expected an operator, found 'x'");
  EXPECT_EQ(failure("2."), "def.yaml:12:15: error[D040] unexpected '.'");
  EXPECT_EQ(failure(""), "def.yaml:12:14: error[D040] empty formula");
  EXPECT_EQ(failure("  "), "def.yaml:12:16: error[D040] empty formula");
  EXPECT_EQ(failure("* 2"),
            "def.yaml:12:14: error[D040] expected a number, a name or '(', found '*'");
  EXPECT_EQ(failure("a + * b"),
            "def.yaml:12:18: error[D040] expected a number, a name or '(', found '*'");
  EXPECT_EQ(failure("+1"),
            "def.yaml:12:14: error[D040] expected a number, a name or '(', found '+'");
  EXPECT_EQ(failure("not"),
            "def.yaml:12:17: error[D040] expected a number, a name or '(', found end of formula");
  EXPECT_EQ(failure("and"),
            "def.yaml:12:14: error[D040] expected a number, a name or '(', found 'and'");
  EXPECT_EQ(failure("a - - "),
            "def.yaml:12:19: error[D040] expected a number, a name or '(', found end of formula");
  EXPECT_EQ(failure("q01 * 1e999"),
            "def.yaml:12:20: error[D040] number 1e999 is out of the range of a double");
  EXPECT_EQ(failure("a + \xC3\xA9"),
            "def.yaml:12:18: error[D040] expected a number, a name or '(', found '\xC3\xA9'");
  EXPECT_EQ(failure("a +\x01"),
            "def.yaml:12:17: error[D040] expected a number, a name or '(', found control "
            "character 0x01");
  EXPECT_EQ(failure("a + \xFF"),
            "def.yaml:12:18: error[D040] expected a number, a name or '(', found byte 0xff");
  EXPECT_EQ(failure(std::string("a +\0 b", 6)),
            "def.yaml:12:17: error[D040] expected a number, a name or '(', found control "
            "character 0x00");
}

TEST(expr_parse, syntax_errors_in_a_block_scalar) {
  // formula: |
  //   mean(q01,          <- line 7, the block's indentation puts 'm' in column 5
  //        q02,
  //        )
  const source_location block{"def.yaml", 7, 5};
  // The ')' is 5 characters into the third line: line 9, column 5 + 5.
  EXPECT_EQ(failure("mean(q01,\n     q02,\n     )\n", block),
            "def.yaml:9:10: error[D040] expected a number, a name or '(', found ')'");
  // The missing ')' is reported just after the last token, "q02" on line 8 (columns 7-9), not
  // on the line after the block; the '(' is 4 characters into line 7.
  EXPECT_EQ(failure("mean(q01,\n  q02\n", block),
            "def.yaml:8:10: error[D040] expected ')' to close the '(' at 7:9, found end of formula");
  // An unknown origin gives no position, and no made-up one.
  EXPECT_EQ(failure("1 +", source_location{}),
            "error[D040] expected a number, a name or '(', found end of formula");
}

TEST(expr_parse, length_limit) {
  std::string chain = "x";
  while (chain.size() + 2 <= 4096) chain += "+x";  // 4095 bytes: within the default limit
  ASSERT_TRUE(parse_expression(chain, origin).has_value());
  chain += "+x";  // 4097 bytes
  // Reported where the limit is passed: byte 4096, column 14 + 4096.
  EXPECT_EQ(failure(chain),
            "def.yaml:12:4110: error[D041] formula is 4097 bytes long, more than the limit of 4096");
  // The ceiling applies whatever the limit asked for.
  EXPECT_EQ(failure(std::string(20000, 'x'), origin, expr_limits{1000000, 64}),
            "def.yaml:12:16398: error[D041] formula is 20000 bytes long, more than the limit of "
            "16384");
  // A long chain within the ceiling parses, and nests to the left.
  std::string longest = "x";
  while (longest.size() + 2 <= expr_limits::length_ceiling) longest += "+x";
  const result<expression> r = parse_expression(longest, origin, expr_limits{1000000, 64});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(std::get<binary>(r->node).offset, longest.size() - 2);
}

TEST(expr_parse, depth_limit) {
  auto nested = [](int levels) {
    return std::string(static_cast<std::size_t>(levels), '(') + "x" +
           std::string(static_cast<std::size_t>(levels), ')');
  };
  EXPECT_TRUE(parse_expression(nested(64), origin).has_value());
  // The 65th '(' (byte 64) opens the level too many.
  EXPECT_EQ(failure(nested(65)),
            "def.yaml:12:78: error[D042] formula nests deeper than 64 levels (each '(', call, '-' "
            "and 'not' opens one)");
  const expr_limits shallow{4096, 2};
  EXPECT_TRUE(parse_expression("-(x)", origin, shallow).has_value());
  EXPECT_EQ(parse_expression("-(-x)", origin, shallow).diagnostics().at(0).code,
            errc::formula_too_deep);
  EXPECT_EQ(parse_expression("(x)", origin, expr_limits{4096, 0}).diagnostics().at(0).code,
            errc::formula_too_deep);
  EXPECT_TRUE(parse_expression("x + 1", origin, expr_limits{4096, 0}).has_value());
}

TEST(expr_parse, hostile_nesting_returns_at_once) {
  // 100,000 '(' is refused by the length limit before any parsing ...
  EXPECT_EQ(parse_expression(std::string(100000, '('), origin).diagnostics().at(0).code,
            errc::formula_too_long);
  // ... and with the longest formula allowed, each kind of nesting stops at the depth limit:
  // no recursion past level 64, so no stack overflow (the grammar alone would overflow the stack
  // at a few thousand levels).
  const expr_limits longest{expr_limits::length_ceiling, 64};
  const std::string parens(16000, '(');
  std::string minus(16000, '-');
  std::string nots;
  while (nots.size() + 4 <= 16000) nots += "not ";
  std::string calls;
  while (calls.size() + 2 <= 16000) calls += "f(";
  std::string mixed;
  while (mixed.size() + 8 <= 16000) mixed += "-(not f(";
  // Where the 65th level opens: byte 64 for '(' and '-'; 64 * 4 for `not `; 64 * 2 + 1 for the
  // '(' of the 65th "f("; "-(not f(" opens four levels in 8 bytes ('-', '(', `not`, the call's
  // '('), so the 65th is the '-' that starts repetition 17: byte 16 * 8 = 128.
  const std::vector<std::pair<std::string, std::size_t>> cases{
      {parens, 64}, {minus, 64}, {nots, 256}, {calls, 129}, {mixed, 128}};
  for (const auto& [text, offset] : cases) {
    const result<expression> r = parse_expression(text, origin, longest);
    ASSERT_FALSE(r.has_value());
    ASSERT_EQ(r.diagnostics().size(), 1U);
    EXPECT_EQ(r.diagnostics()[0].code, errc::formula_too_deep) << text.substr(0, 16);
    EXPECT_EQ(r.diagnostics()[0].where.column, origin.column + static_cast<std::int64_t>(offset))
        << text.substr(0, 16);
  }
}

TEST(expr_parse, copies_and_compares_as_values) {
  const expression a = parse_expression("if(x > 1, mean(y, -z), 0)", origin).value();
  expression b = a;  // deep copy
  EXPECT_EQ(a, b);
  std::get<call>(b.node).args[0] = expression{number{2.0, 0}};
  EXPECT_NE(a, b);
  EXPECT_EQ(to_string(a), "if((x > 1), mean(y, (-z)), 0)");
}

TEST(expr_parse, the_deepest_trees_copy_compare_print_and_die_without_recursion) {
  // The longest chain allowed nests 8,191 levels to the left; the deepest brackets, 128. Every
  // walk over a tree uses an explicit stack, so this passes under AddressSanitizer too, whose
  // frames are several times larger.
  const expr_limits roomy{expr_limits::length_ceiling, expr_limits::depth_ceiling};
  std::string chain = "x";
  while (chain.size() + 2 <= expr_limits::length_ceiling) chain += "-x";
  std::string brackets;
  for (int i = 0; i < expr_limits::depth_ceiling; ++i) brackets += "(x*";
  brackets += "x" + std::string(static_cast<std::size_t>(expr_limits::depth_ceiling), ')');
  for (const std::string& text : {chain, brackets}) {
    const result<expression> r = parse_expression(text, origin, roomy);
    ASSERT_TRUE(r.has_value()) << text.substr(0, 20);
    expression copy = *r;
    EXPECT_EQ(copy, *r);
    const std::string printed = to_string(copy);
    // A chain of k operators prints 4 more characters per operator ("(", ")", two blanks):
    // 2k + 1 bytes become 6k + 1. The brackets print as "(x * (x * ... x))": 4d + 1 bytes
    // become 6d + 1.
    const std::size_t k = text.size() / 2;
    EXPECT_EQ(printed.size(), text == chain ? 6 * k + 1 : 6 * (text.size() / 4) + 1);
    expression moved = std::move(copy);
    copy = moved;  // assignment over a moved-from tree
    EXPECT_EQ(copy, moved);
  }
}

// DESIGN.md: Spirit (and yaml-cpp) stay in src/; no public header includes them.
TEST(expr_parse, public_headers_include_no_spirit) {
  namespace fs = std::filesystem;
  const std::regex forbidden(R"(#\s*include\s*[<"](boost/spirit|boost/fusion|yaml-cpp))");
  int headers = 0;
  for (const auto& entry :
       fs::recursive_directory_iterator(fs::path(QSCORE_SOURCE_DIR) / "include" / "qscore")) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path());
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_FALSE(std::regex_search(text, forbidden)) << entry.path();
    ++headers;
  }
  EXPECT_GT(headers, 10);
}

}  // namespace
