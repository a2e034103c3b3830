// Hostile YAML definitions (issue 5): each is refused with a stable id at a line and column
// worked out by hand below, before yaml-cpp builds a node (the guard pass, yaml_guard.cpp) or
// before a byte is read (the size limit). Facts about yaml-cpp 0.7 these guard against:
// nesting is capped at 500 with an unhelpful message; an alias bomb of a few hundred bytes
// explodes when walked; `&a [*a]` is a cycle; `yes`/`on` read as true and `017` as octal 15;
// LoadAll(",") loops forever. No timing is asserted; the inputs that would be slow or huge
// without the guard (1e9-leaf bomb, 100,000 '[', 100 MB scalar) are the timing test: without
// the guard this file would not finish under the sanitizers.
// Suite names are lower case so that `ctest -R 'load|check|golden'` selects these tests.
#include <gtest/gtest.h>

#include <filesystem>
#include <locale>
#include <sstream>
#include <string>
#include <optional>
#include <vector>

#include "qscore/definition/load.hpp"

namespace {

using namespace qscore;

std::string all_diagnostics(const std::vector<diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) out += d.to_string() + "\n";
  return out;
}

// Loads `text` and expects exactly one diagnostic with this id at line:column (0:0 = none).
void expect_one(const std::string& text, errc code, std::int64_t line, std::int64_t column,
                const definition_limits& limits = {}) {
  const auto loaded = load_definition_from_string(text, "hostile.yaml", limits);
  EXPECT_FALSE(loaded);
  ASSERT_EQ(loaded.diagnostics().size(), 1U) << all_diagnostics(loaded.diagnostics());
  const diagnostic& d = loaded.diagnostics()[0];
  EXPECT_EQ(error_id(d.code), error_id(code)) << d.to_string();
  EXPECT_EQ(d.where.file, "hostile.yaml");
  EXPECT_EQ(d.where.line, line) << d.to_string();
  EXPECT_EQ(d.where.column, column) << d.to_string();
}

// A small valid definition (7 lines, plus those of `top`, spliced in as line 2): with no `top`,
// the scale is line 3 and the item line 5.
std::string minimal(const std::string& top = "", const std::string& item_extra = "") {
  return "id: t\n" + top +
         "scales:\n"
         "  - {id: s, options: [{code: 1, points: 100}, {code: 2, points: 0, non_answer: false}]}\n"
         "items:\n"
         "  - {id: q1, scale: s" + item_extra + "}\n"
         "groups:\n"
         "  - {id: g, share: 1}\n";
}

TEST(yaml_guard, MinimalDefinitionStillLoads) {
  const auto loaded = load_definition_from_string(minimal("title: Guarded\n"), "ok.yaml");
  ASSERT_TRUE(loaded) << all_diagnostics(loaded.diagnostics());
  EXPECT_EQ(loaded->definition.items.size(), 1U);
}

// "Billion laughs": 9 levels of 10 aliases each would walk 10^9 leaves from a ~400-byte file.
// The first anchor, `&a` on line 1 after "lol: " (5 characters), is column 6.
TEST(yaml_guard, AliasBombIsRefusedAtItsFirstAnchor) {
  std::string bomb = "lol: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (char level = 'b'; level <= 'i'; ++level) {
    const char previous = static_cast<char>(level - 1);
    bomb += std::string(1, level) + ": &" + level + " [";
    for (int i = 0; i < 10; ++i) bomb += std::string(i ? ", *" : "*") + previous;
    bomb += "]\n";
  }
  ASSERT_LT(bomb.size(), 500U);
  expect_one(bomb, errc::yaml_alias, 1, 6);
  const auto loaded = load_definition_from_string(bomb, "hostile.yaml");
  ASSERT_EQ(loaded.diagnostics().size(), 1U);
  EXPECT_NE(loaded.diagnostics()[0].message.find("anchors (&a) are not supported"), std::string::npos)
      << loaded.diagnostics()[0].message;
}

// `&a [*a]` is a sequence that contains itself: a naive walk never ends.
TEST(yaml_guard, SelfReferenceIsRefused) {
  expect_one("&a [*a]\n", errc::yaml_alias, 1, 1);
  expect_one("id: t\nscales: &a [*a]\n", errc::yaml_alias, 2, 9);  // "scales: " is 8 characters
  // An alias whose anchor was never defined is yaml-cpp's own syntax error, at the alias.
  expect_one("id: t\nscales: *nowhere\n", errc::yaml_syntax, 2, 9);
}

TEST(yaml_guard, MergeKeysAreRefused) {
  // Line 2 is the merge key itself, column 1.
  expect_one("id: t\n<<: {title: x}\n", errc::yaml_alias, 2, 1);
  // A quoted '<<' is an ordinary (unknown) key, not a merge key.
  const auto quoted = load_definition_from_string(minimal("'<<': x\n"), "q.yaml");
  ASSERT_EQ(quoted.diagnostics().size(), 1U) << all_diagnostics(quoted.diagnostics());
  EXPECT_EQ(quoted.diagnostics()[0].code, errc::unknown_key);
  // A value '<<' is just a string.
  const auto value = load_definition_from_string(minimal("title: <<\n"), "v.yaml");
  EXPECT_TRUE(value) << all_diagnostics(value.diagnostics());
}

// 100,000 '[' then 100,000 ']': yaml-cpp alone fails at depth 500 ("exceeded maximum recursion
// depth"); the guard stops at depth 65, the 65th '[' (column 65).
TEST(yaml_guard, DeepFlowNestingStopsAtTheLimit) {
  const std::string brackets = std::string(100'000, '[') + std::string(100'000, ']');
  expect_one(brackets, errc::definition_too_deep, 1, 65);
  // Flow mappings "{a: {a: ...}}": the mapping at depth k opens at column 4(k-1) + 1, so depth 65
  // is column 257.
  std::string maps;
  for (int i = 0; i < 100'000; ++i) maps += "{a: ";
  expect_one(maps + std::string(100'000, '}'), errc::definition_too_deep, 1, 257);
  // Unclosed, yaml-cpp's scanner would read to the end before its first event (4 MiB of '['
  // took 15 s); a byte scan refuses the same 65th bracket first. A 4 MiB file of them is
  // within the size limit.
  expect_one(std::string(100'000, '['), errc::definition_too_deep, 1, 65);
  expect_one(std::string(100'000, '{'), errc::definition_too_deep, 1, 65);
  expect_one(std::string(std::size_t{4} << 20, '['), errc::definition_too_deep, 1, 65);
  // Brackets in comments and quoted scalars are text, not nesting: 100 of each load.
  const auto quoted = load_definition_from_string(
      minimal("title: '" + std::string(100, '[') + "'\n# " + std::string(100, '{') + "\nversion: \"" +
              std::string(100, '[') + "\"\n"),
      "quoted.yaml");
  EXPECT_TRUE(quoted) << all_diagnostics(quoted.diagnostics());
  // Exactly 64 levels is allowed by the guard (and then refused as not a mapping: D005 at 1:1).
  const auto at_limit = load_definition_from_string(std::string(64, '[') + std::string(64, ']'), "deep.yaml");
  ASSERT_EQ(at_limit.diagnostics().size(), 1U) << all_diagnostics(at_limit.diagnostics());
  EXPECT_EQ(at_limit.diagnostics()[0].code, errc::wrong_type);
}

// Block mappings: the mapping at depth k starts at line k (its first key), indented 2(k-1).
// Depth 65 is line 65, column 2*64 + 1 = 129.
TEST(yaml_guard, DeepBlockNestingStopsAtTheLimit) {
  std::string text;
  for (int depth = 0; depth < 100; ++depth) text += std::string(static_cast<std::size_t>(2 * depth), ' ') + "a:\n";
  expect_one(text, errc::definition_too_deep, 65, 129);
}

// A 100 MB scalar built in memory: refused by size (D008) before it is copied or scanned, so no
// position. 4 bytes of "id: " plus 104,857,600.
TEST(yaml_guard, HugeTextIsRefusedBySizeFirst) {
  const std::string huge = "id: " + std::string(std::size_t{100} << 20, 'x');
  const auto loaded = load_definition_from_string(huge, "huge.yaml");
  ASSERT_EQ(loaded.diagnostics().size(), 1U);
  const diagnostic& d = loaded.diagnostics()[0];
  EXPECT_EQ(d.code, errc::definition_too_large);
  EXPECT_FALSE(d.where.known());
  EXPECT_EQ(d.where.file, "huge.yaml");
  EXPECT_NE(d.message.find("104857604 bytes, more than the limit of 4194304 bytes"), std::string::npos) << d.message;
}

// A file is measured with stat before it is read: a limit of 100 bytes against a shipped example
// (a few KiB).
TEST(yaml_guard, LargeFileIsRefusedBeforeReading) {
  const std::filesystem::path file = std::filesystem::path(QSCORE_SOURCE_DIR) / "examples" / "appraisal" / "appraisal.yaml";
  ASSERT_TRUE(std::filesystem::exists(file)) << file;
  definition_limits small;
  small.max_bytes = 100;
  const auto loaded = load_definition(file, small);
  ASSERT_EQ(loaded.diagnostics().size(), 1U);
  EXPECT_EQ(loaded.diagnostics()[0].code, errc::definition_too_large);
  EXPECT_EQ(loaded.diagnostics()[0].where.file, file.string());
  const std::string size = std::to_string(std::filesystem::file_size(file));
  EXPECT_NE(loaded.diagnostics()[0].message.find(size + " bytes, more than the limit of 100 bytes"), std::string::npos)
      << loaded.diagnostics()[0].message;
  // The same file under the default limits loads.
  EXPECT_TRUE(load_definition(file)) << all_diagnostics(load_definition(file).diagnostics());
}

// A 70,000-byte title (under the 4 MiB size limit): D011 at the scalar, line 2 after "title: "
// (7 characters), column 8.
TEST(yaml_guard, LongScalarIsRefused) {
  expect_one(minimal("title: " + std::string(70'000, 'x') + "\n"), errc::scalar_too_long, 2, 8);
  // 65,536 bytes is exactly the limit and passes.
  const auto at_limit = load_definition_from_string(minimal("title: " + std::string(65'536, 'x') + "\n"), "l.yaml");
  EXPECT_TRUE(at_limit) << all_diagnostics(at_limit.diagnostics());
}

// 200,001 nodes: a flow sequence of scalars "0,0,0,...". The sequence is node 1 and scalar i is
// node i + 1 at column 2i ("[" then "0," per scalar), so node 200,001 is scalar 200,000 at
// column 400,000.
TEST(yaml_guard, TooManyNodesIsRefused) {
  std::string text = "[";
  for (int i = 0; i < 250'000; ++i) text += "0,";
  text += "0]";
  expect_one(text, errc::too_many_nodes, 1, 400'000);
}

// The limits are the caller's to change. minimal() has (scale on line 3), in document order: the root mapping (1),
// id, t (3), scales, its sequence, the scale mapping (6), id, s (8), options, the sequence (10),
// option 1: mapping, code, 1, points, 100 (15), option 2: mapping, code, 2, points, 0, non_answer,
// false (22), items, ... With max_nodes = 21, node 22 is `false` on line 3: "  - {id: s, options:
// [{code: 1, points: 100}, {code: 2, points: 0, non_answer: " is 79 characters, column 80.
TEST(yaml_guard, LimitsComeFromTheCaller) {
  definition_limits limits;
  limits.max_nodes = 21;
  expect_one(minimal(), errc::too_many_nodes, 3, 80, limits);
  // Depth: root mapping 1, scales 2, scale 3, options 4, option 5. With max_depth = 4 the first
  // option's '{' (line 3, after "  - {id: s, options: [" = 22 characters) is refused: column 23.
  limits = definition_limits{};
  limits.max_depth = 4;
  expect_one(minimal(), errc::definition_too_deep, 3, 23, limits);
  limits = definition_limits{};
  limits.max_scalar_bytes = 2;  // "t", "s", "id" pass; "scales" (line 2, column 1) does not
  expect_one(minimal(), errc::scalar_too_long, 2, 1, limits);
}

// yaml-cpp's LoadAll(",") never returns; the loader reads at most two documents.
TEST(yaml_guard, StrayCommaEnds) {
  expect_one(",", errc::yaml_syntax, 1, 1);
  expect_one(",,,,", errc::yaml_syntax, 1, 1);
}

// Tabs: YAML forbids them in indentation; as a separator after ':' they are fine.
TEST(yaml_guard, Tabs) {
  const auto separator = load_definition_from_string(minimal("title:\tTabbed\n"), "tab.yaml");
  ASSERT_TRUE(separator) << all_diagnostics(separator.diagnostics());
  EXPECT_EQ(separator->definition.title.get(""), "Tabbed");
  const auto indented = load_definition_from_string("id: t\nscales:\n\t- {id: s}\n", "tab.yaml");
  ASSERT_FALSE(indented);
  ASSERT_FALSE(indented.diagnostics().empty());
  EXPECT_EQ(indented.diagnostics()[0].code, errc::yaml_syntax) << all_diagnostics(indented.diagnostics());
  EXPECT_EQ(indented.diagnostics()[0].where.line, 3) << all_diagnostics(indented.diagnostics());
}

// Strict scalars, each with its position. minimal(top) puts `top` on line 2; with no `top`,
// item_extra lands on line 5 after "  - {id: q1, scale: s, weight: " (31 characters): the value is column 32.
TEST(yaml_guard, StrictScalarsInNumericAndBooleanFields) {
  struct case_t {
    std::string top, item;
    errc code;
    std::int64_t line, column;
  };
  const std::vector<case_t> cases = {
      {"", ", weight: 0x1F", errc::bad_number, 5, 32},   // hex is not a YAML 1.2 core number here
      {"", ", weight: 1_000", errc::bad_number, 5, 32},  // digit separators are YAML 1.1
      {"", ", weight: 1,5", errc::unknown_key, 5, 34},    // a flow ',' then "5" as a key: not 1.5
      {"", ", weight: .inf", errc::invalid_weight, 5, 32},  // a number, but not a finite weight
      {"", ", reverse: yes", errc::bad_number, 5, 33},   // "  - {id: q1, scale: s, reverse: " = 32
      {"", ", reverse: on", errc::bad_number, 5, 33},
      {"", ", reverse: True", errc::bad_number, 5, 33},
      // "ranking: {decimals: " is 20 characters: the value is column 21 of line 2.
      {"ranking: {decimals: .inf}\n", "", errc::bad_number, 2, 21},
      {"ranking: {decimals: 0x1F}\n", "", errc::bad_number, 2, 21},
      {"ranking: {decimals: 1_000}\n", "", errc::bad_number, 2, 21},
      {"ranking: {decimals: 2.0}\n", "", errc::bad_number, 2, 21},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.top + c.item);
    expect_one(minimal(c.top, c.item), c.code, c.line, c.column);
  }
  // 017 is seventeen (yaml-cpp's as<int> would read octal 15).
  const auto octal = load_definition_from_string(minimal("ranking: {min_valid: 017}\n", ", weight: 017"), "o.yaml");
  ASSERT_TRUE(octal) << all_diagnostics(octal.diagnostics());
  EXPECT_EQ(octal->definition.ranking.min_valid, 17);
  EXPECT_EQ(octal->definition.items[0].weight, 17.0);
}

// A numpunct facet with ',' as the decimal point and '.' for thousands, as de_DE has (which may
// not be installed): numbers still parse as YAML says, whatever the global locale.
struct comma_decimal : std::numpunct<char> {
  char do_decimal_point() const override { return ','; }
  char do_thousands_sep() const override { return '.'; }
  std::string do_grouping() const override { return "\3"; }
};

class global_locale_guard {
 public:
  explicit global_locale_guard(const std::locale& l) : previous_(std::locale::global(l)) {}
  ~global_locale_guard() { std::locale::global(previous_); }
  global_locale_guard(const global_locale_guard&) = delete;
  global_locale_guard& operator=(const global_locale_guard&) = delete;

 private:
  std::locale previous_;
};

TEST(yaml_guard, NumbersIgnoreTheGlobalLocale) {
  const global_locale_guard guard(std::locale(std::locale::classic(), new comma_decimal));
  // Does the locale bite? A stream imbued with the global locale reads "2.5" as 25 ('.' groups
  // thousands there).
  std::istringstream probe("2.5");
  probe.imbue(std::locale());
  double read = 0.0;
  probe >> read;
  ASSERT_EQ(read, 25.0) << "the test locale does not change number parsing, so it proves nothing";

  const auto loaded = load_definition_from_string(minimal("points: 1000.25\n", ", weight: 2.5"), "l.yaml");
  ASSERT_TRUE(loaded) << all_diagnostics(loaded.diagnostics());
  EXPECT_EQ(loaded->definition.items[0].weight, 2.5);
  EXPECT_EQ(loaded->definition.points, 1000.25);
  // And "2,5" is not two and a half: in a flow mapping the ',' ends the value.
  expect_one(minimal("", ", weight: 2,5"), errc::unknown_key, 5, 34);
}

}  // namespace
