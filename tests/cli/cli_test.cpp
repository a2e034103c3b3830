// End-to-end tests of the qscore tool: the built binary is run on the fixtures in data/ (the
// expected numbers are worked out by hand in data/README.md), and its exit code, stdout and
// stderr are checked.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "qscore/detail/display_width.hpp"
#include "qscore/version.hpp"
#include "../support/cli_process.hpp"
#include "../support/report_json.hpp"

namespace {

using namespace qscore::cli_testing;

namespace fs = std::filesystem;
using nlohmann::json;
constexpr double tolerance = 1e-9;

const std::string data_dir = QSCORE_CLI_DATA;
const std::string tiny = data_dir + "/tiny.yaml";
const std::string broken = data_dir + "/broken.yaml";
const std::string responses = data_dir + "/responses.csv";
const std::string responses_bad = data_dir + "/responses_bad.csv";
// 400 synthetic rows for the appraisal example (qscore-gen --rows 400 --seed 11, sampling
// weights) plus 5 hand-written ones: 3 rejected (R205, R202, R204), 2 given by labels.
const std::string appraisal = std::string(QSCORE_SOURCE_DIR) + "/examples/appraisal/appraisal.yaml";
const std::string appraisal_rows = data_dir + "/appraisal_400.csv";

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    work_ = fresh_work_dir(QSCORE_CLI_WORK, *::testing::UnitTest::GetInstance());
  }

  // Runs `qscore ARGS...` (each argument quoted for the shell) and collects what it printed.
  run_result run(const std::vector<std::string>& args) { return run_binary(QSCORE_CLI, args, work_); }

  json run_json(const std::vector<std::string>& args) {
    const run_result r = run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out);
  }

  fs::path write(const std::string& name, const std::string& content) {
    const fs::path path = work_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  // The appraisal example with min_cell 1 (it says 5): every cell published.
  fs::path appraisal_open() {
    std::string text = read_file(appraisal);
    const auto at = text.find("min_cell: 5");
    EXPECT_NE(at, std::string::npos);
    return write("appraisal_open.yaml", text.replace(at, 11, "min_cell: 1"));
  }

  fs::path work_;
};

// --- help, version, usage -------------------------------------------------------------------

TEST_F(Cli, HelpExitsZero) {
  const run_result r = run({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("validate"), std::string::npos);
  EXPECT_NE(r.out.find("score"), std::string::npos);
  EXPECT_NE(r.out.find("Exit codes"), std::string::npos);
  const run_result score_help = run({"score", "--help"});
  EXPECT_EQ(score_help.exit_code, 0);
  EXPECT_NE(score_help.out.find("--batch-rows"), std::string::npos);
  EXPECT_NE(score_help.out.find("--format"), std::string::npos);
  EXPECT_EQ(run({"validate", "--help"}).exit_code, 0);
}

TEST_F(Cli, Version) {
  const run_result r = run({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, std::string("qscore ") + qscore::version_string + "\n");
}

TEST_F(Cli, UsageErrorsExitOne) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {},
           {"frobnicate"},
           {"validate"},
           {"score", tiny},
           {"score", tiny, responses, "--format", "xml"},
           {"score", tiny, responses, "--batch-rows", "0"},
           {"score", tiny, responses, "--no-such-option"},
       }) {
    const run_result r = run(args);
    EXPECT_EQ(r.exit_code, 1) << (args.empty() ? std::string() : args.back());
    EXPECT_EQ(r.err.rfind("qscore: error: ", 0), 0U) << r.err;
    EXPECT_TRUE(r.out.empty());
  }
}

// --- validate -------------------------------------------------------------------------------

TEST_F(Cli, ValidateOk) {
  const run_result r = run({"validate", tiny});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, tiny + ": OK (2 items, 2 groups, 2 units, 1 dimension)\n");
}

TEST_F(Cli, ValidateTheAppraisalExample) {
  const run_result r = run({"validate", appraisal});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, appraisal + ": OK (10 items, 9 groups, 6 units, 3 dimensions)\n");
}

TEST_F(Cli, ValidateBrokenDefinitionExitsTwo) {
  const run_result r = run({"validate", broken});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.out.empty());
  // The misspelt key `wieght` is at line 26, column 5.
  EXPECT_NE(r.err.find(broken + ":26:5: error[D002]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("wieght"), std::string::npos) << r.err;
}

TEST_F(Cli, MissingDefinitionExitsTwo) {
  const run_result r = run({"validate", data_dir + "/no-such-file.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("D007"), std::string::npos) << r.err;
  EXPECT_EQ(run({"score", data_dir + "/no-such-file.yaml", responses}).exit_code, 2);
  EXPECT_EQ(run({"score", broken, responses}).exit_code, 2);
}

// --- score ----------------------------------------------------------------------------------

TEST_F(Cli, ScoreJsonMatchesTheHandComputedValues) {
  const json doc = run_json({"score", tiny, responses, "--format", "json"});
  EXPECT_EQ(doc["questionnaire"]["id"], "tiny");
  EXPECT_EQ(doc["questionnaire"]["title"], "小型测评");
  EXPECT_EQ(doc["questionnaire"]["points"], 80.0);

  const json& a = doc["accounting"];
  EXPECT_EQ(a["rows_read"], 8);
  EXPECT_EQ(a["scored"], 6);
  EXPECT_EQ(a["void"], 2);
  EXPECT_EQ(a["rejected"], 0);
  EXPECT_EQ(a["reconciles"], true);

  ASSERT_EQ(doc["units"].size(), 2U);
  // u2: 0.6 * 72.5 + 0.4 * 75 = 73.5, total 58.8, rank 1.
  const json& u2 = doc["units"][0];
  EXPECT_EQ(u2["id"], "u2");
  EXPECT_EQ(u2["label"], "自来水公司");
  EXPECT_EQ(u2["rank"], 1);
  EXPECT_NEAR(u2["score"].get<double>(), 73.5, tolerance);
  EXPECT_NEAR(u2["total"].get<double>(), 58.8, tolerance);
  EXPECT_EQ(u2["valid"], 3);
  EXPECT_EQ(u2["void"], 1);
  EXPECT_NEAR(u2["groups"][0]["mean"].get<double>(), 72.5, tolerance);
  EXPECT_NEAR(u2["groups"][1]["mean"].get<double>(), 75.0, tolerance);
  EXPECT_NEAR(u2["dimensions"][0]["score"].get<double>(), 76.5, tolerance);
  EXPECT_NEAR(u2["dimensions"][0]["points"].get<double>(), 61.2, tolerance);
  const json& u2q2 = u2["items"][1];
  EXPECT_EQ(u2q2["answered"], 3);
  EXPECT_NEAR(u2q2["mean_points"].get<double>(), 205.0 / 3.0, tolerance);
  EXPECT_NEAR(u2q2["satisfaction_rate"].get<double>(), 2.0 / 3.0, tolerance);
  EXPECT_NEAR(u2q2["dont_know_rate"].get<double>(), 0.0, tolerance);

  // u1: 0.6 * 83.5 + 0.4 * 55 = 72.1, total 57.68, rank 2.
  const json& u1 = doc["units"][1];
  EXPECT_EQ(u1["id"], "u1");
  EXPECT_EQ(u1["rank"], 2);
  EXPECT_NEAR(u1["score"].get<double>(), 72.1, tolerance);
  EXPECT_NEAR(u1["total"].get<double>(), 57.68, tolerance);
  EXPECT_EQ(u1["valid"], 3);
  EXPECT_EQ(u1["void"], 1);
  EXPECT_NEAR(u1["dimensions"][0]["score"].get<double>(), 74.5, tolerance);
  EXPECT_NEAR(u1["dimensions"][0]["points"].get<double>(), 59.6, tolerance);
  const json& u1q2 = u1["items"][1];
  EXPECT_EQ(u1q2["answered"], 2);
  EXPECT_EQ(u1q2["non_answers"], 1);
  EXPECT_NEAR(u1q2["mean_points"].get<double>(), 77.5, tolerance);
  EXPECT_NEAR(u1q2["dont_know_rate"].get<double>(), 1.0 / 3.0, tolerance);

  // Pooled: a (100 + 67 + 90 + 55) / 4 = 78; b (55 + 75) / 2 = 65 with 2 void.
  EXPECT_EQ(doc["groups"][0]["n"], 4);
  EXPECT_NEAR(doc["groups"][0]["mean"].get<double>(), 78.0, tolerance);
  EXPECT_EQ(doc["groups"][1]["n"], 2);
  EXPECT_EQ(doc["groups"][1]["void"], 2);
  EXPECT_NEAR(doc["groups"][1]["mean"].get<double>(), 65.0, tolerance);
}

TEST_F(Cli, ScoreTextIsTheDefault) {
  const run_result r = run({"score", tiny, responses});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("小型测评\n", 0), 0U) << r.out;
  EXPECT_NE(r.out.find("rows read: 8 = 6 scored + 2 void + 0 rejected"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("自来水公司"), std::string::npos);
  EXPECT_NE(r.out.find("58.80"), std::string::npos);
  EXPECT_NE(r.out.find("57.68"), std::string::npos);
  EXPECT_LT(r.out.find("58.80"), r.out.find("57.68"));  // u2 is ranked first
  EXPECT_TRUE(r.err.empty()) << r.err;
  EXPECT_EQ(run({"score", tiny, responses, "--format", "text"}).out, r.out);
}

TEST_F(Cli, ScoreCsv) {
  const run_result r = run({"score", tiny, responses, "--format", "csv", "--decimals", "2"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // Statistics, by hand. u2/a: scores 90 and 55, mean 72.5, sd 35/√2 = 24.75, se 35/2 = 17.5,
  // CI 72.5 ± 1.959964 · 17.5 = [38.20, 106.80], quartiles (type 7) 63.75, 72.5, 81.25.
  // u1/a: 100 and 67, mean 83.5, sd 33/√2 = 23.33, se 16.5, CI [51.16, 115.84], quartiles
  // 75.25, 83.5, 91.75. Group b has one respondent in each unit: no sd, se or CI, and, being a
  // stratum of one, it adds nothing to the unit's SE: total se = 0.8 · 0.6 · se(a), i.e.
  // u2: 0.48 · 17.5 = 8.40, CI 58.8 ± 16.46 = [42.34, 75.26]; u1: 0.48 · 16.5 = 7.92, CI 57.68 ±
  // 15.52 = [42.16, 73.20]. Rank intervals: 1000 draws, the totals 1.12 apart with SEs ~8: both
  // units can hold either rank.
  EXPECT_EQ(r.out,
            "unit_id,unit_label,rank,unit_total,group_id,group_label,n,weighted_n,mean,share,share_used,sd,se,"
            "ci_low,ci_high,min,q1,median,q3,max,unit_total_se,unit_total_ci_low,unit_total_ci_high,rank_low,"
            "rank_high,suppressed,n_below\r\n"
            "u2,自来水公司,1,58.80,a,代表,2,2.00,72.50,0.60,0.60,24.75,17.50,38.20,106.80,55.00,63.75,72.50,81.25,"
            "90.00,8.40,42.34,75.26,1,2,,\r\n"
            "u2,自来水公司,1,58.80,b,群众,1,1.00,75.00,0.40,0.40,,,,,75.00,75.00,75.00,75.00,75.00,8.40,42.34,"
            "75.26,1,2,,\r\n"
            "u1,供电公司,2,57.68,a,代表,2,2.00,83.50,0.60,0.60,23.33,16.50,51.16,115.84,67.00,75.25,83.50,91.75,"
            "100.00,7.92,42.16,73.20,1,2,,\r\n"
            "u1,供电公司,2,57.68,b,群众,1,1.00,55.00,0.40,0.40,,,,,55.00,55.00,55.00,55.00,55.00,7.92,42.16,"
            "73.20,1,2,,\r\n");  // tiny.yaml has min_cell 1: nothing withheld
}

TEST_F(Cli, LanguageOption) {
  const json doc = run_json({"score", tiny, responses, "--format", "json", "--lang", "en"});
  EXPECT_EQ(doc["questionnaire"]["title"], "Tiny appraisal");
  EXPECT_EQ(doc["questionnaire"]["language"], "en");
  EXPECT_EQ(report_unit(doc, "u1")["label"], "Power company");
  EXPECT_EQ(report_unit(doc, "u1")["groups"][1]["label"], "Public");
}

TEST_F(Cli, OutputFileIsWrittenAtomically) {
  const fs::path target = work_ / "report.json";
  std::ofstream(target) << "old content";
  const run_result r = run({"score", tiny, responses, "--format", "json", "--output", target.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  const std::string written = read_file(target);
  EXPECT_EQ(written, run({"score", tiny, responses, "--format", "json"}).out);
  EXPECT_EQ(json::parse(written)["accounting"]["rows_read"], 8);
  // Nothing else is left in the directory (no temporary file).
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(work_)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"report.json", "stderr", "stdout"}));
}

TEST_F(Cli, OutputThatCannotBeWrittenExitsFour) {
  const fs::path target = work_ / "no-such-dir" / "report.txt";
  const run_result r = run({"score", tiny, responses, "--output", target.string()});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_EQ(r.err.rfind("qscore: error: ", 0), 0U) << r.err;
  EXPECT_FALSE(fs::exists(target));
  EXPECT_EQ(run({"score", tiny, responses, "--output", work_.string()}).exit_code, 4);  // a directory
}

TEST_F(Cli, RejectedRowsAreCountedAndReconcile) {
  const json doc = run_json({"score", tiny, responses_bad, "--format", "json"});
  const json& a = doc["accounting"];
  EXPECT_EQ(a["rows_read"], 12);
  EXPECT_EQ(a["scored"], 6);
  EXPECT_EQ(a["void"], 2);
  EXPECT_EQ(a["rejected"], 4);
  EXPECT_EQ(a["reconciles"], true);
  EXPECT_EQ(a["rows_read"].get<int>(), a["scored"].get<int>() + a["void"].get<int>() + a["rejected"].get<int>());
  EXPECT_EQ(a["rejected_by_reason"], (json{{"R201", 1}, {"R202", 1}, {"R203", 1}, {"R204", 1}}));
  ASSERT_EQ(a["rejection_samples"].size(), 4U);
  EXPECT_EQ(a["rejection_samples"][0]["line"], 6);
  EXPECT_EQ(a["rejection_samples"][0]["id"], "R202");
  EXPECT_TRUE(a["rejection_samples"][0]["value"].is_null());  // no answers in reports (README "Privacy")
  // Rejected rows are never scored: the totals are those of responses.csv.
  EXPECT_NEAR(report_unit(doc, "u1")["total"].get<double>(), 57.68, tolerance);
  EXPECT_NEAR(report_unit(doc, "u2")["total"].get<double>(), 58.8, tolerance);
  EXPECT_EQ(report_unit(doc, "u2")["rejected"], 1);  // r9, group x
}

TEST_F(Cli, RejectedRowsAreListedOnStderr) {
  const run_result r = run({"score", tiny, responses_bad});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("rows read: 12 = 6 scored + 2 void + 4 rejected"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find(responses_bad + ":6: rejected: R202 column 'group': found 'x'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(responses_bad + ":12: rejected: R204 column 'q1': found '9'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("4 of 12 rows rejected"), std::string::npos) << r.err;

  const run_result quiet = run({"score", tiny, responses_bad, "--quiet"});
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_TRUE(quiet.err.empty()) << quiet.err;
  EXPECT_EQ(quiet.out, r.out);
}

// A file of two 8 MiB segments with one repeated id: the same report and the same rejected row
// whether the ids' fingerprints stay in memory, go to a temporary file (--id-memory 0), or find
// no folder for one (TMPDIR missing: they stay in memory).
TEST_F(Cli, DuplicateIdsAreFoundWithTheFingerprintsInATemporaryFile) {
  std::string text = "respondent_id,group,unit,q1,q2\n";
  constexpr int rows = 700000;  // "r<i>,a,u1,1,2": 14 to 18 bytes, about 11 MB in all
  for (int i = 0; i < rows; ++i) text += "r" + std::to_string(i == 600000 ? 5 : i) + ",a,u1,1,2\n";
  ASSERT_GT(text.size(), std::size_t{8} << 20);
  const fs::path file = write("two_segments.csv", text);
  const run_result in_memory = run({"score", tiny, file.string(), "--format", "json"});
  ASSERT_EQ(in_memory.exit_code, 0) << in_memory.err;
  const json report = json::parse(in_memory.out);
  EXPECT_EQ(report["accounting"]["rows_read"], rows);
  EXPECT_EQ(report["accounting"]["rejected"], 1);
  // Row 600000 sits on line 600002 and repeats r5 (line 7).
  EXPECT_NE(in_memory.err.find(":600002: rejected: R208"), std::string::npos) << in_memory.err;
  const run_result spilled = run({"score", tiny, file.string(), "--format", "json", "--id-memory", "0"});
  EXPECT_EQ(spilled.exit_code, 0) << spilled.err;
  EXPECT_EQ(spilled.out, in_memory.out);
  EXPECT_EQ(spilled.err, in_memory.err);
  ::setenv("TMPDIR", (work_ / "no such folder").c_str(), 1);
  const run_result no_folder = run({"score", tiny, file.string(), "--format", "json", "--id-memory", "0"});
  ::unsetenv("TMPDIR");
  EXPECT_EQ(no_folder.exit_code, 0) << no_folder.err;
  EXPECT_EQ(no_folder.out, in_memory.out);
}

TEST_F(Cli, MissingResponsesFileExitsThree) {
  const run_result r = run({"score", tiny, data_dir + "/no-such-file.csv"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("F101"), std::string::npos) << r.err;
}

TEST_F(Cli, BadHeaderOrEncodingExitsThree) {
  const fs::path no_q2 = write("no_q2.csv", "respondent_id,group,unit,q1\nr1,a,u1,1\n");
  const run_result missing = run({"score", tiny, no_q2.string()});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.err.find("F102"), std::string::npos) << missing.err;

  const fs::path utf16 = write("utf16.csv", std::string("\xFF\xFEr\0e\0s\0", 8));
  const run_result encoding = run({"score", tiny, utf16.string()});
  EXPECT_EQ(encoding.exit_code, 3);
  EXPECT_NE(encoding.err.find("F104"), std::string::npos) << encoding.err;

  const fs::path empty = write("empty.csv", "");
  EXPECT_EQ(run({"score", tiny, empty.string()}).exit_code, 3);
}

// --- the same bytes however the file is read ------------------------------------------------

TEST_F(Cli, OutputDoesNotDependOnBatchOrChunkSize) {
  for (const std::string& file : {responses, responses_bad}) {
    for (const std::string format : {"json", "text", "csv"}) {
      const run_result reference = run({"score", tiny, file, "--format", format});
      ASSERT_EQ(reference.exit_code, 0) << reference.err;
      for (const auto& extra : std::vector<std::vector<std::string>>{
               {"--batch-rows", "1"},
               {"--batch-rows", "4096"},
               {"--batch-rows", "3"},
               {"--chunk-bytes", "16"},
               {"--chunk-bytes", "1"},
               {"--batch-rows", "1", "--chunk-bytes", "16"},
           }) {
        std::vector<std::string> args{"score", tiny, file, "--format", format};
        args.insert(args.end(), extra.begin(), extra.end());
        const run_result r = run(args);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(r.out, reference.out) << file << " " << format << " " << extra[0] << " " << extra[1];
        EXPECT_EQ(r.err, reference.err) << file << " " << format << " " << extra[0] << " " << extra[1];
      }
    }
  }
}

// With sampling weights, the sums are not exact in binary: they still come out bit for bit the
// same however the rows are split into batches and the file into chunks.
TEST_F(Cli, WeightedOutputDoesNotDependOnBatchOrChunkSize) {
  for (const std::string format : {"json", "text", "csv"}) {
    const run_result reference = run({"score", appraisal, appraisal_rows, "--format", format});
    ASSERT_EQ(reference.exit_code, 0) << reference.err;
    for (const auto& extra : std::vector<std::vector<std::string>>{
             {"--batch-rows", "1"},
             {"--batch-rows", "7"},
             {"--batch-rows", "4096"},
             {"--chunk-bytes", "16"},
             {"--chunk-bytes", "100", "--batch-rows", "33"},
         }) {
      std::vector<std::string> args{"score", appraisal, appraisal_rows, "--format", format};
      args.insert(args.end(), extra.begin(), extra.end());
      const run_result r = run(args);
      EXPECT_EQ(r.exit_code, 0) << r.err;
      EXPECT_EQ(r.out, reference.out) << format << " " << extra[0] << " " << extra[1];
    }
  }
}

TEST_F(Cli, AppraisalAccountingAndRanking) {
  // The group means are checked against the unit scores: publish every cell (min_cell 1).
  const json doc = run_json({"score", appraisal_open().string(), appraisal_rows, "--format", "json"});
  const json& a = doc["accounting"];
  EXPECT_EQ(a["rows_read"], 405);
  EXPECT_EQ(a["rejected"], 3);
  EXPECT_EQ(a["rejected_by_reason"], (json{{"R202", 1}, {"R204", 1}, {"R205", 1}}));
  EXPECT_EQ(a["reconciles"], true);
  EXPECT_EQ(a["rows_read"].get<int>(), a["scored"].get<int>() + a["void"].get<int>() + a["rejected"].get<int>());
  ASSERT_EQ(doc["units"].size(), 6U);
  std::int64_t valid = 0;
  std::int64_t voided = 0;
  double previous = 1e300;
  for (const auto& u : doc["units"]) {
    valid += u["valid"].get<std::int64_t>();
    voided += u["void"].get<std::int64_t>();
    EXPECT_TRUE(u["ranked"].get<bool>());  // ~66 valid ballots each, min_valid is 30
    // Ranked by total, best first; the total is the score on 80 points.
    EXPECT_LE(u["total"].get<double>(), previous);
    previous = u["total"].get<double>();
    EXPECT_NEAR(u["total"].get<double>(), u["score"].get<double>() * 0.8, 1e-9);
    // The score is the share-weighted sum of the group means.
    double combined = 0.0;
    for (const auto& g : u["groups"]) combined += g["share_used"].get<double>() * g["mean"].get<double>();
    EXPECT_NEAR(combined, u["score"].get<double>(), 1e-9);
  }
  EXPECT_EQ(valid, a["scored"].get<std::int64_t>());
  EXPECT_EQ(voided, a["void"].get<std::int64_t>());
}

// Every line of every table in the text report has the same display width, with Chinese labels
// (the blocks are: caption, header, rule of dashes, rows).
TEST_F(Cli, AppraisalTextTablesAreAligned) {
  const run_result r = run({"score", appraisal, appraisal_rows});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::vector<std::string>> blocks(1);
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) blocks.emplace_back();
    else blocks.back().push_back(line);
  }
  int tables = 0;
  for (const auto& block : blocks) {
    if (block.size() < 3 || block[2].find_first_not_of(" -") != std::string::npos) continue;
    ++tables;
    const std::size_t width = qscore::detail::display_width(block[1]);
    for (std::size_t i = 2; i < block.size(); ++i)
      EXPECT_EQ(qscore::detail::display_width(block[i]), width) << block[0] << ": " << block[i];
  }
  // ranking, rank uncertainty, 6 x (groups, dimensions, derived scores, items), pooled groups
  EXPECT_EQ(tables, 1 + 1 + 6 * 4 + 1);
  const run_result english = run({"score", appraisal, appraisal_rows, "--lang", "en"});
  EXPECT_NE(english.out.find("City water company"), std::string::npos);
}

// The statistics reach the CLI: standard errors, rank uncertainty and, on request, reliability
// (README "Statistics"); the text report shows them in aligned tables.
TEST_F(Cli, StatisticsInJsonAndText) {
  const json doc = run_json({"score", appraisal, appraisal_rows, "--format", "json", "--reliability", "pairwise",
                             "--reliability-by-group", "--rank-replicates", "300", "--rank-seed", "5"});
  const json& stats = doc["statistics"];
  EXPECT_EQ(stats["strata"], "groups");
  EXPECT_EQ(stats["reliability"], "pairwise");
  EXPECT_EQ(stats["rank_replicates"], 300);
  EXPECT_EQ(stats["rank_seed"], 5);
  EXPECT_NEAR(stats["z"].get<double>(), 1.959963984540054, 1e-15);
  ASSERT_EQ(doc["rank_pairs"].size(), 5U);  // six ranked units
  for (const auto& u : doc["units"]) {
    ASSERT_TRUE(u["total_se"].is_number()) << u["id"];
    const double total = u["total"].get<double>();
    const double se = u["total_se"].get<double>();
    EXPECT_NEAR(u["total_ci_low"].get<double>(), total - 1.959963984540054 * se, 1e-9);
    EXPECT_NEAR(u["score_se"].get<double>() * 0.8, se, 1e-12);
    EXPECT_LE(u["rank_low"].get<int>(), u["rank"].get<int>());
    EXPECT_GE(u["rank_high"].get<int>(), u["rank"].get<int>());
    for (const auto& g : u["groups"]) {
      if (g["n"].is_null() || g["n"].get<int>() < 2) continue;  // withheld (privacy) or too few
      EXPECT_TRUE(g["se"].is_number());
      EXPECT_LE(g["q1"].get<double>(), g["median"].get<double>());
      EXPECT_LE(g["min"].get<double>(), g["q1"].get<double>());
    }
    for (const auto& item : u["items"]) EXPECT_TRUE(item["satisfaction_ci_low"].is_number());
  }
  for (std::size_t i = 0; i + 1 < doc["units"].size(); ++i)
    EXPECT_EQ(doc["units"][i]["distinct_from_next"], doc["rank_pairs"][i]["distinct"]);
  // Reliability: all items and each dimension, for everyone and for each of the nine groups.
  const std::size_t scales = 1 + doc["units"][0]["dimensions"].size();
  EXPECT_EQ(doc["reliability"].size(), scales * (1 + doc["groups"].size()));
  EXPECT_TRUE(doc["reliability"][0]["alpha"].is_number());
  EXPECT_TRUE(doc["reliability"][0]["group"].is_null());

  const run_result text = run({"score", appraisal, appraisal_rows, "--reliability", "listwise"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("Rank uncertainty"), std::string::npos);
  EXPECT_NE(text.out.find("Reliability (Cronbach's alpha)"), std::string::npos);
  EXPECT_NE(text.out.find("listwise"), std::string::npos);
  // The same seed gives the same bytes.
  const run_result again = run({"score", appraisal, appraisal_rows, "--reliability", "listwise"});
  EXPECT_EQ(again.out, text.out);
}

// --- privacy --------------------------------------------------------------------------------

// tiny.yaml with another min_cell (it says `min_cell: 1`).
std::string tiny_with_min_cell(const std::string& value) {
  std::string text = read_file(tiny);
  const std::string key = "min_cell: 1";
  const auto at = text.find(key);
  EXPECT_NE(at, std::string::npos);
  return text.replace(at, key.size(), "min_cell: " + value);
}

TEST_F(Cli, SmallCellsAreWithheld) {
  // responses.csv: u1 a 2, b 1; u2 a 2, b 1 valid ballots (data/README.md). With min_cell 2 the
  // b cells are below it, and each unit's a cell is withheld as its complement (the unit's
  // score and valid count would give b away). Units and pooled groups stay: u1 72.1, u2 73.5,
  // a n 4 mean 78, b n 2 mean 65.
  const fs::path definition = write("private.yaml", tiny_with_min_cell("2"));
  const json doc = run_json({"score", definition.string(), responses, "--format", "json"});
  EXPECT_EQ(doc["privacy"]["min_cell"], 2);
  for (const char* id : {"u1", "u2"}) {
    const json& u = report_unit(doc, id);
    EXPECT_EQ(u["valid"], 3);
    EXPECT_TRUE(u["ranked"].get<bool>());
    EXPECT_EQ(u["groups"][0]["suppressed"], "complement");
    EXPECT_EQ(u["groups"][1]["suppressed"], "below_min_cell");
    EXPECT_EQ(u["groups"][1]["n_below"], 2);
    for (const auto& g : u["groups"]) {
      EXPECT_TRUE(g["n"].is_null());
      EXPECT_TRUE(g["mean"].is_null());
    }
  }
  EXPECT_NEAR(report_unit(doc, "u1")["score"].get<double>(), 72.1, tolerance);
  EXPECT_NEAR(report_unit(doc, "u2")["score"].get<double>(), 73.5, tolerance);
  EXPECT_EQ(doc["groups"][0]["n"], 4);
  EXPECT_NEAR(doc["groups"][0]["mean"].get<double>(), 78.0, tolerance);
  EXPECT_NEAR(doc["groups"][1]["mean"].get<double>(), 65.0, tolerance);

  const run_result text = run({"score", definition.string(), responses});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("privacy: <2 = fewer than 2 valid ballots"), std::string::npos) << text.out;
}

TEST_F(Cli, MinCellBelowOneIsRejected) {
  const fs::path definition = write("zero.yaml", tiny_with_min_cell("0"));
  const run_result r = run({"validate", definition.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("error[D026] min_cell 0 is below 1, expected an integer >= 1 (1 publishes every cell) "
                       "(at /privacy/min_cell)"),
            std::string::npos)
      << r.err;
}

TEST_F(Cli, AppraisalSmallCellsAreWithheld) {
  // The example (min_cell 5) against the same data with every cell published: exactly the cells
  // with 1 to 4 valid ballots are below_min_cell; every withheld cell has no n and no mean; the
  // complements hold 5 or more; the units keep their totals, valid counts and ranks.
  const json open = run_json({"score", appraisal_open().string(), appraisal_rows, "--format", "json"});
  const json doc = run_json({"score", appraisal, appraisal_rows, "--format", "json"});
  ASSERT_EQ(doc["units"].size(), open["units"].size());
  int below = 0, complements = 0;
  for (std::size_t u = 0; u < doc["units"].size(); ++u) {
    const json& shown = doc["units"][u];
    const json& full = open["units"][u];
    ASSERT_EQ(shown["id"], full["id"]);
    EXPECT_EQ(shown["total"], full["total"]);
    EXPECT_EQ(shown["valid"], full["valid"]);
    EXPECT_EQ(shown["rank"], full["rank"]);
    for (std::size_t g = 0; g < shown["groups"].size(); ++g) {
      const json& cell = shown["groups"][g];
      const int n = full["groups"][g]["n"].get<int>();
      EXPECT_EQ(cell["suppressed"] == "below_min_cell", n > 0 && n < 5) << shown["id"] << "/" << cell["id"];
      if (cell["suppressed"].is_null()) {
        EXPECT_EQ(cell["n"], n);
        EXPECT_EQ(cell["mean"], full["groups"][g]["mean"]);
        continue;
      }
      EXPECT_TRUE(cell["n"].is_null());
      EXPECT_TRUE(cell["mean"].is_null());
      if (cell["suppressed"] == "complement") {
        ++complements;
        EXPECT_GE(n, 5);
      } else {
        ++below;
      }
    }
  }
  EXPECT_GT(below, 0);  // 400 rows over 6 units and 9 groups: some cells are small
  std::cerr << "withheld cells: " << below << " below 5, " << complements << " complements\n";
}

}  // namespace
