// Runs every case of the bad-input catalogue (cases.json, written by make_cases.py with
// hand-worked expectations) through the qscore binary and compares what it did.
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

namespace {

using namespace qscore::cli_testing;

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path catalogue = QSCORE_CATALOGUE;

std::vector<json> load_cases() {
  std::vector<json> out;
  for (auto& c : json::parse(read_file(catalogue / "cases.json"))) out.push_back(c);
  return out;
}

class csv_catalogue : public ::testing::TestWithParam<json> {};

TEST_P(csv_catalogue, case_outcome) {
  const json& c = GetParam();
  const std::string name = c["name"];
  const json& expect = c["expect"];
  const fs::path work = fs::path(QSCORE_CATALOGUE_WORK) / name;
  fs::remove_all(work);
  fs::create_directories(work);

  // Every case runs with --max-rejects 100% unless it sets the limit itself (an empty value
  // there stands for "the default": the option is left out).
  std::vector<std::string> args = {"score", (catalogue / "csv" / "catalogue.yaml").string(),
                                   (catalogue / "csv" / (name + ".csv")).string(), "-f", "json",
                                   "-o", (work / "report.json").string(), "--rejects",
                                   (work / "rejects.csv").string(), "-j", "1"};
  bool own_limit = false;
  const auto& extra = c["args"];
  for (std::size_t i = 0; i < extra.size(); ++i) {
    const std::string a = extra[i];
    if (a == "--max-rejects") {
      own_limit = true;
      if (i + 1 < extra.size() && extra[i + 1].get<std::string>().empty()) {
        ++i;
        continue;
      }
    }
    args.push_back(a);
  }
  if (!own_limit) {
    args.emplace_back("--max-rejects");
    args.emplace_back("100%");
  }
  const run_result run = run_binary(QSCORE_CLI, args, work);
  const std::string& err = run.err;
  std::string command = "qscore";
  for (const auto& a : args) command += " " + quote(a);
  SCOPED_TRACE(name + ": " + command + "\nstderr:\n" + err);

  ASSERT_EQ(run.exit_code, expect["exit"].get<int>());
  if (expect.contains("error")) {
    EXPECT_NE(err.find("error[" + expect["error"].get<std::string>() + "]"), std::string::npos);
  }
  if (expect.contains("message")) {
    EXPECT_NE(err.find(expect["message"].get<std::string>()), std::string::npos);
  }
  if (expect.contains("stderr")) {
    for (const auto& fragment : expect["stderr"]) {
      EXPECT_NE(err.find(fragment.get<std::string>()), std::string::npos) << fragment;
    }
  }
  if (!expect.contains("rows_read")) {
    EXPECT_FALSE(fs::exists(work / "report.json")) << "a failed run must not leave a report";
    return;
  }

  const json report = json::parse(read_file(work / "report.json"));
  const json& acc = report["accounting"];
  EXPECT_EQ(acc["rows_read"], expect["rows_read"]);
  EXPECT_EQ(acc["scored"], expect["scored"]);
  EXPECT_EQ(acc["void"], expect["void"]);
  EXPECT_EQ(acc["rejected"], expect["rejected"]);
  EXPECT_TRUE(acc["reconciles"].get<bool>());
  std::vector<std::pair<std::int64_t, std::string>> found, wanted;
  for (const auto& r : acc["rejection_samples"]) found.emplace_back(r["line"].get<std::int64_t>(), r["id"]);
  for (const auto& r : expect["rejects"]) wanted.emplace_back(r[0].get<std::int64_t>(), r[1]);
  EXPECT_EQ(found, wanted);

  // The rejects file: a header and one record per rejected row, in line order.
  const std::string rejects = read_file(work / "rejects.csv");
  EXPECT_EQ(rejects.rfind("line,error_id,reason,raw\r\n", 0), 0U);
  std::size_t at = 0;
  for (const auto& [line, id] : wanted) {
    const std::size_t next = rejects.find("\r\n" + std::to_string(line) + "," + id + ",", at);
    EXPECT_NE(next, std::string::npos) << "line " << line << " " << id << " in\n" << rejects;
    if (next != std::string::npos) at = next + 1;
  }
  if (expect.contains("rejects_file")) {
    for (const auto& fragment : expect["rejects_file"]) {
      EXPECT_NE(rejects.find(fragment.get<std::string>()), std::string::npos) << fragment << " in\n" << rejects;
    }
  }
}

// Every case is listed in the catalogue's README table.
TEST(csv_catalogue_readme, lists_every_case) {
  const std::string readme = read_file(catalogue / "README.md");
  const auto cases = load_cases();
  EXPECT_GE(cases.size(), 50U);
  for (const auto& c : cases)
    EXPECT_NE(readme.find("`" + c["name"].get<std::string>() + "`"), std::string::npos) << c["name"];
}

INSTANTIATE_TEST_SUITE_P(cases, csv_catalogue, ::testing::ValuesIn(load_cases()),
                         [](const ::testing::TestParamInfo<json>& param_info) {
                           return param_info.param["name"].get<std::string>();
                         });

}  // namespace
