// Replays the formula fuzzer's inputs in ordinary CTest runs: every file under
// tests/fuzz/crashes/expr/ (inputs that once crashed or misbehaved, kept as regressions) and
// tests/fuzz/corpus/expr/ (the seed corpus, including hostile nesting and over-long formulas)
// goes through the same checks as the fuzz target (tests/fuzz/expr_fuzz_check.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/expr_fuzz_check.hpp"

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> inputs(const fs::path& dir) {
  std::vector<fs::path> files;
  if (!fs::is_directory(dir)) return files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const fs::path fuzz_dir = fs::path(QSCORE_SOURCE_DIR) / "tests" / "fuzz";

TEST(expr_fuzz_replay, corpus) {
  const std::vector<fs::path> files = inputs(fuzz_dir / "corpus" / "expr");
  EXPECT_GE(files.size(), 10U);
  for (const fs::path& file : files)
    EXPECT_EQ(qscore::fuzz::check_expression_input(read_bytes(file)), "") << file.filename();
}

TEST(expr_fuzz_replay, crashes) {
  // The directory may be empty (git keeps none then): nothing to replay is a pass.
  for (const fs::path& file : inputs(fuzz_dir / "crashes" / "expr"))
    EXPECT_EQ(qscore::fuzz::check_expression_input(read_bytes(file)), "") << file.filename();
}

}  // namespace
