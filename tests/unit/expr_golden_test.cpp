// Golden formula diagnostics: every tests/golden/formulas/<case>.yaml is read, its formulas are
// checked together with check_formulas(), and the diagnostics must match <case>.diag.txt line for
// line, in the order reported.
//
// The .yaml files have the shape proposed for the definition format (a `formulas:` list of
// name / level / formula). The YAML loader does not read formulas yet, so this test reads that
// subset itself, the way the loader will have to: a plain one-line scalar starts right after
// "formula: "; a double-quoted one (no escapes) one column later; a literal block scalar (`|`)
// at its first content line, in the column of the block's indentation, with the indentation
// removed from every line. The known names come from the comment lines `# items: ...`,
// `# dimensions: ...` and `# components: ...`.
//
// The expected files were written by hand, counting lines and columns (1-based, characters).
#include "qscore/expr/check.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>
#include "support/golden_lines.hpp"

namespace {

namespace fs = std::filesystem;
using namespace qscore;
using namespace qscore::expr;

const fs::path golden_dir = fs::path(QSCORE_SOURCE_DIR) / "tests" / "golden" / "formulas";

using qscore::test_support::read_lines;

std::vector<std::string> words(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::size_t indentation(std::string_view line) {
  const std::size_t n = line.find_first_not_of(' ');
  return n == std::string_view::npos ? line.size() : n;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

struct golden_case {
  std::vector<std::string> items, dimensions, components;
  std::vector<formula_source> formulas;
};

golden_case read_case(const fs::path& yaml) {
  const std::string file = yaml.filename().string();
  const std::vector<std::string> lines = read_lines(yaml);
  golden_case out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    const auto line_no = static_cast<std::int64_t>(i + 1);
    if (starts_with(line, "# items:")) out.items = words(line.substr(8));
    if (starts_with(line, "# dimensions:")) out.dimensions = words(line.substr(13));
    if (starts_with(line, "# components:")) out.components = words(line.substr(13));
    const std::size_t indent = indentation(line);
    const std::string_view rest = std::string_view(line).substr(indent);
    const auto column_of = [&](std::size_t byte) { return static_cast<std::int64_t>(byte + 1); };
    if (starts_with(rest, "- name: ")) {
      const std::size_t index = out.formulas.size();
      formula_source f;
      f.name = std::string(rest.substr(8));
      f.name_at = {file, line_no, column_of(indent + 8)};
      f.path = "/formulas/" + std::to_string(index) + "/formula";
      f.name_path = "/formulas/" + std::to_string(index) + "/name";
      out.formulas.push_back(std::move(f));
    } else if (starts_with(rest, "level: ") && !out.formulas.empty()) {
      out.formulas.back().level = rest.substr(7) == "unit" ? formula_level::unit : formula_level::respondent;
    } else if (starts_with(rest, "formula: ") && !out.formulas.empty()) {
      formula_source& f = out.formulas.back();
      const std::string value(rest.substr(9));
      const std::size_t value_byte = indent + 9;
      if (value == "|") {
        // A literal block scalar: the following lines indented deeper than the key.
        std::size_t block_indent = 0;
        std::string text;
        std::size_t j = i + 1;
        for (; j < lines.size(); ++j) {
          if (!lines[j].empty() && indentation(lines[j]) <= indent) break;
          if (text.empty() && !lines[j].empty()) {
            block_indent = indentation(lines[j]);
            f.origin = {file, static_cast<std::int64_t>(j + 1), column_of(block_indent)};
          }
          text += lines[j].size() > block_indent ? lines[j].substr(block_indent) : std::string();
          text += '\n';
        }
        f.text = text;
        i = j - 1;
      } else if (!value.empty() && value.front() == '"') {
        f.text = value.substr(1, value.size() - 2);
        f.origin = {file, line_no, column_of(value_byte + 1)};
      } else {
        f.text = value;
        f.origin = {file, line_no, column_of(value_byte)};
      }
    }
  }
  return out;
}

std::string numbered(const std::vector<std::string>& lines) {
  std::ostringstream out;
  for (std::size_t i = 0; i < lines.size(); ++i) out << "  " << (i + 1) << ": " << lines[i] << "\n";
  if (lines.empty()) out << "  (none)\n";
  return out.str();
}

std::vector<std::string> golden_cases() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(golden_dir))
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(expr_golden, cases_exist) {
  const std::vector<std::string> cases = golden_cases();
  EXPECT_GE(cases.size(), 2U);
  for (const auto& name : cases)
    EXPECT_TRUE(fs::exists(golden_dir / (name + ".diag.txt"))) << name << ".yaml has no .diag.txt";
}

TEST(expr_golden, diagnostics_match) {
  for (const std::string& name : golden_cases()) {
    SCOPED_TRACE(name);
    const golden_case c = read_case(golden_dir / (name + ".yaml"));
    ASSERT_FALSE(c.formulas.empty());
    const std::vector<known_name> known = standard_names(c.items, c.dimensions, c.components);
    const result<checked_formulas> r = check_formulas(c.formulas, known);
    std::vector<std::string> actual;
    for (const diagnostic& d : r.diagnostics()) actual.push_back(d.to_string());
    const std::vector<std::string> expected = read_lines(golden_dir / (name + ".diag.txt"));
    EXPECT_EQ(actual, expected) << "expected:\n" << numbered(expected) << "actual:\n" << numbered(actual);
  }
}

}  // namespace
