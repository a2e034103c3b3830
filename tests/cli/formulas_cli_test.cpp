// End to end: `qscore validate` and `qscore score` on data/formulas.yaml and data/formulas.csv
// (derived scores, ballot.valid_if, a reject check and a flag check). Every expected number is
// worked out by hand in data/README.md.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>
#include "../support/cli_process.hpp"
#include "../support/report_json.hpp"

namespace {

using namespace qscore::cli_testing;

namespace fs = std::filesystem;
using nlohmann::json;

const std::string data_dir = QSCORE_CLI_DATA;
const std::string definition = data_dir + "/formulas.yaml";
const std::string responses = data_dir + "/formulas.csv";

// Runs `qscore ARGS...` (arguments are fixture paths and plain words: no shell quoting needed
// beyond single quotes).
run_result run(const std::string& name, const std::vector<std::string>& args) {
  const fs::path work = fs::path(QSCORE_CLI_WORK) / ("formulas." + name);
  fs::create_directories(work);
  return run_binary(QSCORE_CLI, args, work);
}

TEST(cli_formulas, validate_accepts_the_fixture) {
  const run_result r = run("validate", {"validate", definition});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(cli_formulas, json_report_has_derived_scores_and_the_formula_accounting) {
  const run_result r = run("json", {"score", definition, responses, "--format", "json", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json doc = json::parse(r.out);
  const json& acc = doc["accounting"];
  EXPECT_EQ(acc["rows_read"], 7);
  EXPECT_EQ(acc["scored"], 4);
  EXPECT_EQ(acc["void"], 1);
  EXPECT_EQ(acc["rejected"], 2);
  EXPECT_EQ(acc["rejected_by_reason"], json::parse(R"({"R204": 1, "R220": 1})"));
  ASSERT_EQ(acc["rejection_samples"].size(), 2U);
  EXPECT_EQ(acc["rejection_samples"][0]["line"], 5);  // r4, in line order before r7
  EXPECT_EQ(acc["rejection_samples"][0]["id"], "R220");
  EXPECT_EQ(acc["rejection_samples"][0]["check"], "q3_needs_q1");
  EXPECT_EQ(acc["rejection_samples"][1]["line"], 8);
  EXPECT_EQ(acc["void_by_reason"], json::parse(R"({"valid_if": 1})"));
  EXPECT_EQ(acc["checks"], json::parse(R"([{"name": "q3_needs_q1", "action": "reject", "failed": 1},
                                           {"name": "q2_not_top", "action": "flag", "failed": 1}])"));
  EXPECT_EQ(acc["division_by_zero"], json::parse(R"([{"formula": "per_item", "rows": 1}])"));
  EXPECT_TRUE(acc["reconciles"].get<bool>());

  const json& u1 = report_unit(doc, "u1");
  EXPECT_NEAR(u1["score"].get<double>(), 48.75 + 0.4 * 4750.0 / 70.0, 1e-9);  // 75.892857...
  ASSERT_EQ(u1["derived"].size(), 2U);
  EXPECT_EQ(u1["derived"][0]["id"], "service");
  EXPECT_NEAR(u1["derived"][0]["score"].get<double>(), 71.5, 1e-9);
  EXPECT_EQ(u1["derived"][0]["n"], 3);
  // Its SE, stratified by group as for dimensions: group a's values 100 and 65 have variance
  // (17.5² + 17.5²) / 1 = 612.5, so var(mean_a) = 612.5 / 2 = 306.25; group b has one respondent
  // (a lonely stratum, adding nothing). SE = sqrt(0.6² · 306.25) = sqrt(110.25) = 10.5.
  EXPECT_NEAR(u1["derived"][0]["se"].get<double>(), 10.5, 1e-9);
  EXPECT_EQ(u1["derived"][0]["lonely_strata"], 1);
  EXPECT_NEAR(u1["derived"][1]["score"].get<double>(), 56.5, 1e-9);
  EXPECT_EQ(u1["rejected"], 1);
  const json& u2 = report_unit(doc, "u2");
  EXPECT_NEAR(u2["derived"][0]["score"].get<double>(), 87.5, 1e-9);
  EXPECT_NEAR(u2["derived"][1]["score"].get<double>(), 43.75, 1e-9);
  EXPECT_EQ(u2["void"], 1);
}

TEST(cli_formulas, the_same_bytes_for_any_thread_count_and_batch_size) {
  const run_result one = run("threads1", {"score", definition, responses, "-f", "json", "-q", "-j", "1"});
  const run_result four =
      run("threads4", {"score", definition, responses, "-f", "json", "-q", "-j", "4", "--batch-rows", "2"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out, four.out);
}

// A row a check rejects (R220) is in the rejects file like a row the reader rejects, in line
// order, with its raw text read back from the file: line 5 (r4: q3 answered, q1 blank fails
// q3_needs_q1) and line 8 (r7: q2 = 7 is no option, R204), with --batch-rows 2 so that the R220
// row and the R204 row come from different batches.
TEST(cli_formulas, a_row_a_check_rejects_is_in_the_rejects_file) {
  const fs::path rejects = fs::path(QSCORE_CLI_WORK) / "formulas.rejects.csv";
  const run_result r = run("rejects", {"score", definition, responses, "-q", "--batch-rows", "2", "--rejects",
                                       rejects.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string file = read_file(rejects);
  const auto r220 = file.find("\r\n5,R220,");
  const auto r204 = file.find("\r\n8,R204,");
  ASSERT_NE(r220, std::string::npos) << file;
  ASSERT_NE(r204, std::string::npos) << file;
  EXPECT_LT(r220, r204);
  EXPECT_NE(file.find("q3_needs_q1"), std::string::npos) << file;
  EXPECT_NE(file.find(",\"r4,b,u1,,,1\"\r\n"), std::string::npos) << file;  // raw line 5, quoted (commas)
  EXPECT_NE(file.find(",\"r7,b,u2,1,7,1\"\r\n"), std::string::npos) << file;
}

TEST(cli_formulas, text_and_csv_show_the_derived_scores) {
  const run_result text = run("text", {"score", definition, responses, "--lang", "en", "-q"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("void by reason: valid_if 1"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("checks failed: q3_needs_q1 1 (reject), q2_not_top 1 (flag)"), std::string::npos);
  EXPECT_NE(text.out.find("division by zero (rows): per_item 1"), std::string::npos);
  EXPECT_NE(text.out.find("Derived scores"), std::string::npos);
  EXPECT_NE(text.out.find("Service"), std::string::npos);
  const run_result csv = run("csv", {"score", definition, responses, "-f", "csv", "-q", "--decimals", "2"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  const std::string header = csv.out.substr(0, csv.out.find("\r\n"));
  EXPECT_TRUE(header.ends_with(",rank_low,rank_high,suppressed,n_below,derived.service,derived.per_item")) << header;
  // Each unit's rows end in its derived values (README: u1 71.5 and 56.5, u2 87.5 and 43.75).
  EXPECT_NE(csv.out.find(",71.50,56.50\r\n"), std::string::npos) << csv.out;
  EXPECT_NE(csv.out.find(",87.50,43.75\r\n"), std::string::npos) << csv.out;
}

TEST(cli_formulas, a_syntax_error_in_a_block_scalar_points_into_the_file) {
  const fs::path work = fs::path(QSCORE_CLI_WORK) / "formulas.broken";
  fs::create_directories(work);
  std::string text = read_file(definition);
  // "        / (answered - 1)" is line 34 (the block's second line; the block is indented 6
  // spaces, this line 8): '/' in column 9, '(' in 11, '1' in 23. Drop the ')' so that the '('
  // never closes.
  text.replace(text.find("/ (answered - 1)"), 16, "/ (answered - 1");
  const fs::path broken = work / "broken.yaml";
  std::ofstream(broken, std::ios::binary) << text;
  const run_result r = run("broken", {"validate", broken.string()});
  EXPECT_EQ(r.exit_code, 2);
  // The text ends after the '1' in column 23 of line 34: the parser reports column 24.
  EXPECT_NE(r.err.find("broken.yaml:34:24: error[D040] expected ')' to close the '(' at 34:11, found end of "
                       "formula (at /formulas/1/formula)"),
            std::string::npos)
      << r.err;
}

}  // namespace
