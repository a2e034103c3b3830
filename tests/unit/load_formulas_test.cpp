// The YAML loader reads `formulas:`, `ballot.valid_if` and `checks:` with the file position of
// each formula's first character (positions counted by hand in the comments).
#include <gtest/gtest.h>

#include <string>

#include "qscore/definition/load.hpp"

namespace {

using namespace qscore;

constexpr const char* definition = R"(id: t
scales:
  - {id: s, options: [{code: 1, points: 100}, {code: 2, points: 0}]}
items:
  - {id: q01, scale: s}
  - {id: q02, scale: s}
groups:
  - {id: g, share: 1}
formulas:
  - name: service
    label: {zh: 服务, en: Service}
    formula: mean(q01, q02)
  - name: quoted
    formula: "q01 - q02"
  - name: block
    formula: |

        service +
        1
ballot:
  min_answered: 0.5
  valid_if: answered >= 1
checks:
  - name: q02_needs_q01
    rule: missing(q02) or not missing(q01)
  - name: flagged
    rule: 'q01 >= q02'
    action: flag
  - name: voided
    rule: q01 > 0
    action: void
)";

TEST(load_formulas, reads_the_three_keys_with_positions) {
  const auto loaded = load_definition_from_string(definition, "f.yaml");
  ASSERT_TRUE(loaded.has_value()) << (loaded.diagnostics().empty() ? "" : loaded.diagnostics()[0].to_string());
  const instrument& def = loaded->definition;
  ASSERT_EQ(def.formulas.size(), 3U);
  EXPECT_EQ(def.formulas[0].name, "service");
  EXPECT_EQ(def.formulas[0].name_label.get("en"), "Service");
  EXPECT_EQ(def.formulas[0].formula.text, "mean(q01, q02)");
  // Line 12 "    formula: mean(...)": 4 spaces + "formula:" + 1 space = 13 characters, so column 14.
  EXPECT_EQ(def.formulas[0].formula.origin.line, 12);
  EXPECT_EQ(def.formulas[0].formula.origin.column, 14);
  EXPECT_EQ(def.formulas[0].formula.origin.file, "f.yaml");
  // Line 14: the quote is in column 14, the formula starts in column 15.
  EXPECT_EQ(def.formulas[1].formula.origin.line, 14);
  EXPECT_EQ(def.formulas[1].formula.origin.column, 15);
  // Line 16 holds `|`; the text starts on line 17 (a blank line, kept as "\n"), at the block's
  // indentation: the first non-blank line, 18, is indented 8 spaces, so column 9.
  EXPECT_EQ(def.formulas[2].formula.text, "\nservice +\n1\n");
  EXPECT_EQ(def.formulas[2].formula.origin.line, 17);
  EXPECT_EQ(def.formulas[2].formula.origin.column, 9);
  EXPECT_EQ(def.ballot.valid_if.text, "answered >= 1");
  EXPECT_EQ(def.ballot.valid_if.origin.line, 22);
  EXPECT_EQ(def.ballot.valid_if.origin.column, 13);  // "  valid_if: " is 12 characters
  ASSERT_EQ(def.checks.size(), 3U);
  EXPECT_EQ(def.checks[0].action, check_action::reject);  // the default
  EXPECT_EQ(def.checks[1].action, check_action::flag);
  EXPECT_EQ(def.checks[1].rule.origin.column, 12);       // "    rule: '" is 11 characters
  EXPECT_EQ(def.checks[2].action, check_action::void_ballot);
}

TEST(load_formulas, an_error_on_a_later_line_of_a_block_scalar_points_into_the_file) {
  std::string text = definition;
  text.replace(text.find("        1\n"), 10, "        1 +\n");  // line 19 now ends in a dangling '+'
  const auto loaded = load_definition_from_string(text, "f.yaml");
  ASSERT_FALSE(loaded.has_value());
  ASSERT_EQ(loaded.diagnostics().size(), 1U);
  // "service +\n1 +\n": the parser reports the missing operand right after the last token (as
  // in tests/golden/formulas/syntax.diag.txt), the '+' of line 19 "        1 +": the '1' is in
  // the block's column 9, the '+' in column 11, so column 12.
  EXPECT_EQ(loaded.diagnostics()[0].code, errc::formula_syntax);
  EXPECT_EQ(loaded.diagnostics()[0].where.line, 19);
  EXPECT_EQ(loaded.diagnostics()[0].where.column, 12);
}

}  // namespace
