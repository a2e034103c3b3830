// Replays every fuzz target's inputs in ordinary CTest runs, without clang: each file under
// tests/fuzz/corpus/<target>/ (the seed corpus) and tests/fuzz/crashes/<target>/ (inputs that once
// crashed or broke a property, kept as regressions) goes through the same checks as the fuzz
// target itself (tests/fuzz/*_fuzz_check.hpp). A directory for a target this test does not know
// fails, so that a new target cannot go unreplayed.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/csv_fuzz_check.hpp"
#include "fuzz/definition_fuzz_check.hpp"
#include "fuzz/expr_fuzz_check.hpp"

namespace {

namespace fs = std::filesystem;

const fs::path fuzz_dir = fs::path(QSCORE_SOURCE_DIR) / "tests" / "fuzz";

// Target directory name -> the check its fuzz target runs.
const std::map<std::string, std::function<std::string(std::string_view)>>& checks() {
  static const std::map<std::string, std::function<std::string(std::string_view)>> all = {
      {"expr", qscore::fuzz::check_expression_input},        // fuzz_parse_expression
      {"definition", qscore::fuzz::check_definition_input},  // fuzz_load_definition
      {"csv", qscore::fuzz::check_csv_input},                // fuzz_read_csv
  };
  return all;
}

std::vector<fs::path> entries(const fs::path& dir, bool directories) {
  std::vector<fs::path> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& entry : fs::directory_iterator(dir))
    if (directories ? entry.is_directory() : entry.is_regular_file()) out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every file of every target directory under `kind` (corpus or crashes); returns the count.
std::size_t replay(const std::string& kind) {
  std::size_t count = 0;
  for (const fs::path& target : entries(fuzz_dir / kind, true)) {
    const auto check = checks().find(target.filename().string());
    if (check == checks().end()) {
      ADD_FAILURE() << "tests/fuzz/" << kind << "/" << target.filename().string()
                    << " belongs to no known fuzz target; add its check to fuzz_replay_test.cpp";
      continue;
    }
    for (const fs::path& file : entries(target, false)) {
      if (file.filename().string().front() == '.') continue;  // .gitkeep
      EXPECT_EQ(check->second(read_bytes(file)), "") << kind << "/" << target.filename().string() << "/"
                                                     << file.filename().string();
      ++count;
    }
  }
  return count;
}

TEST(fuzz_replay, EveryTargetHasASeedCorpus) {
  for (const auto& [target, check] : checks())
    EXPECT_GE(entries(fuzz_dir / "corpus" / target, false).size(), 10U) << "corpus/" << target;
}

TEST(fuzz_replay, Corpus) { EXPECT_GT(replay("corpus"), 0U); }

TEST(fuzz_replay, Crashes) { (void)replay("crashes"); }  // none yet for a target is a pass

// The checks can fail: a definition that loads must compile, and a CSV read must not depend on
// the chunk size. Inputs that break nothing pass; these show the checks look at what they claim.
TEST(fuzz_replay, ChecksAcceptGoodInputAndReportProperties) {
  EXPECT_EQ(qscore::fuzz::check_definition_input("id: t\nscales: [{id: s, options: [{code: 1, points: 1}]}]\n"
                                                 "items: [{id: q, scale: s}]\ngroups: [{id: g, share: 1}]\n"),
            "");
  EXPECT_EQ(qscore::fuzz::check_csv_input("respondent_id,group,unit,q1,q2,q3\nr1,g1,u1,1,2,3\n"), "");
  const auto outcome = qscore::fuzz::read_all("respondent_id,group,unit,q1,q2,q3\nr1,g1,u1,1,2,3\nr2,g9,u1,1,1,1\n",
                                              qscore::csv_options{});
  ASSERT_EQ(outcome.rows.size(), 2U);
  // Row 1: group g1 (index 0), unit u1, weight 1, codes 1 2 3 (the options' positions, 1-based).
  EXPECT_EQ(outcome.rows[0].second, "row line 2 group 0 unit u1 weight 1.000000 codes 1 2 3");
  EXPECT_EQ(outcome.rows[1].second.rfind("rejected line 3 R202", 0), 0U) << outcome.rows[1].second;
}

}  // namespace
