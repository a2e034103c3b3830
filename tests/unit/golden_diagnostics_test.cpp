// Golden diagnostics: every broken definition under tests/golden/definitions/invalid/ is loaded,
// and its diagnostics must match <case>.diag.txt line for line, in the order reported.
//
// Layout of the directory:
//   <case>.diag.txt  the exact expected diagnostic::to_string() lines, one per line
//   <case>.yaml      the definition; a .diag.txt without a .yaml is the "file cannot be read"
//                    case (D007), and a .yaml without a .diag.txt is an error in the test data
//
// The file name in a diagnostic is the path given to load_definition, which here is absolute and
// differs between checkouts. The expected lines therefore name the file by its base name alone
// (`duplicate_keys.yaml:6:32: error[D003] ...`): the test replaces each diagnostic's file with its
// base name before formatting it. It also checks that the full name was the path it passed.
//
// The expected files were written by hand, counting lines and columns (1-based; columns count
// characters, not bytes). On a mismatch the test prints both lists, so that a deliberate change
// of wording can be reviewed line by line.
// Suite names are lower case so that `ctest -R 'load|check|golden'` selects these tests.
#include "qscore/definition/load.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>
#include "support/golden_lines.hpp"

namespace {

namespace fs = std::filesystem;
using namespace qscore;

const fs::path golden_dir = fs::path(QSCORE_SOURCE_DIR) / "tests" / "golden" / "definitions" / "invalid";
constexpr std::string_view diag_suffix = ".diag.txt";

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The case names: base names of the .diag.txt files, sorted.
std::vector<std::string> golden_cases() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(golden_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (ends_with(name, diag_suffix)) names.push_back(name.substr(0, name.size() - diag_suffix.size()));
  }
  std::sort(names.begin(), names.end());
  return names;
}

using qscore::test_support::read_lines;

std::string numbered(const std::vector<std::string>& lines) {
  std::ostringstream out;
  for (std::size_t i = 0; i < lines.size(); ++i) out << "  " << (i + 1) << ": " << lines[i] << "\n";
  if (lines.empty()) out << "  (none)\n";
  return out.str();
}

// A line-by-line comparison: "  " same, "- " expected only, "+ " actual only.
std::string diff(const std::vector<std::string>& expected, const std::vector<std::string>& actual) {
  std::ostringstream out;
  const std::size_t n = std::max(expected.size(), actual.size());
  for (std::size_t i = 0; i < n; ++i) {
    const bool has_expected = i < expected.size();
    const bool has_actual = i < actual.size();
    if (has_expected && has_actual && expected[i] == actual[i]) {
      out << "    " << expected[i] << "\n";
      continue;
    }
    if (has_expected) out << "  - " << expected[i] << "\n";
    if (has_actual) out << "  + " << actual[i] << "\n";
  }
  return out.str();
}

class golden_diagnostics : public ::testing::TestWithParam<std::string> {};

TEST_P(golden_diagnostics, MatchesExpectedLines) {
  const std::string& name = GetParam();
  const fs::path definition = golden_dir / (name + ".yaml");
  const std::vector<std::string> expected = read_lines(golden_dir / (name + std::string(diag_suffix)));
  ASSERT_FALSE(expected.empty()) << name << ".diag.txt is empty: a broken definition must give diagnostics";

  const auto loaded = load_definition(definition);
  EXPECT_FALSE(loaded.has_value()) << name << ".yaml loaded, but every golden case must fail";

  std::vector<std::string> actual;
  for (diagnostic d : loaded.diagnostics()) {
    EXPECT_EQ(d.where.file, definition.string()) << "diagnostics must name the file as given";
    if (!d.where.file.empty()) d.where.file = fs::path(d.where.file).filename().string();
    actual.push_back(d.to_string());
  }
  EXPECT_EQ(actual, expected) << "diagnostics of " << name << ".yaml differ from " << name << ".diag.txt\n"
                              << "expected:\n" << numbered(expected) << "actual:\n" << numbered(actual)
                              << "diff (- expected, + actual):\n" << diff(expected, actual);
}

// Test names: the case name with anything but letters and digits turned into '_'.
std::string case_test_name(const ::testing::TestParamInfo<std::string>& param) {
  std::string id = param.param;
  for (char& c : id)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return id;
}

INSTANTIATE_TEST_SUITE_P(definitions, golden_diagnostics, ::testing::ValuesIn(golden_cases()), case_test_name);

TEST(golden_diagnostics_directory, HasCasesAndNoOrphans) {
  ASSERT_TRUE(fs::is_directory(golden_dir)) << golden_dir;
  const auto cases = golden_cases();
  EXPECT_GE(cases.size(), 15U);
  for (const auto& entry : fs::directory_iterator(golden_dir)) {
    const std::string file = entry.path().filename().string();
    if (!ends_with(file, ".yaml")) continue;
    const std::string name = file.substr(0, file.size() - 5);
    EXPECT_TRUE(std::binary_search(cases.begin(), cases.end(), name)) << file << " has no " << name << ".diag.txt";
  }
}

// Every diagnostic id the loader and check_instrument emit has a golden case.
TEST(golden_diagnostics_directory, CoversEveryDefinitionId) {
  std::string all;
  for (const auto& name : golden_cases()) {
    std::ifstream in(golden_dir / (name + std::string(diag_suffix)), std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  for (const char* id : {"D001", "D002", "D003", "D004", "D005", "D006", "D007", "D009", "D012", "D020", "D021", "D022", "D023",
                         "D024", "D025", "D026", "D027", "D028", "D029", "D030", "D031", "D032"})
    EXPECT_NE(all.find(std::string("error[") + id + "]"), std::string::npos) << "no golden case shows " << id;
}

}  // namespace
