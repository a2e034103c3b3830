// End-to-end tests of `qscore compare`: two reports are produced with `qscore score` from the
// fixtures responses.csv ("May") and responses_month2.csv ("June"), then compared. The expected
// changes are worked out by hand in data/README.md ("responses_month2.csv").
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
constexpr double tolerance = 1e-9;

const std::string data_dir = QSCORE_CLI_DATA;
const std::string tiny = data_dir + "/tiny.yaml";

class CompareCli : public ::testing::Test {
 protected:
  void SetUp() override {
    work_ = fresh_work_dir(QSCORE_CLI_WORK, *::testing::UnitTest::GetInstance());
    may_ = (work_ / "may.json").string();
    june_ = (work_ / "june.json").string();
    ASSERT_EQ(run({"score", tiny, data_dir + "/responses.csv", "-f", "json", "-o", may_, "-q"}).exit_code, 0);
    ASSERT_EQ(run({"score", tiny, data_dir + "/responses_month2.csv", "-f", "json", "-o", june_, "-q"}).exit_code, 0);
  }

  run_result run(const std::vector<std::string>& args) { return run_binary(QSCORE_CLI, args, work_); }

  fs::path write(const std::string& name, const std::string& content) {
    const fs::path path = work_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  fs::path work_;
  std::string may_, june_;
};

const json& find(const json& list, const std::string& id) {
  for (const auto& x : list)
    if (x["id"] == id) return x;
  static const json none;
  ADD_FAILURE() << "no entry " << id;
  return none;
}

TEST_F(CompareCli, TwoMonthsAsJson) {
  const run_result r = run({"compare", may_, june_, "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;  // same questionnaire, same version: no warning
  const json doc = json::parse(r.out);
  EXPECT_EQ(doc["questionnaire"], "tiny");
  EXPECT_EQ(doc["basis"], "survey");
  EXPECT_EQ(doc["counts"]["compared"], 2);

  const json& u1 = find(doc["units"], "u1");
  EXPECT_NEAR(u1["total"]["old"].get<double>(), 57.68, tolerance);
  EXPECT_NEAR(u1["total"]["new"].get<double>(), 70.72, tolerance);
  EXPECT_NEAR(u1["total"]["delta"].get<double>(), 13.04, tolerance);
  EXPECT_EQ(u1["rank"]["old"], 2);
  EXPECT_EQ(u1["rank"]["new"], 1);
  EXPECT_EQ(u1["rank"]["delta"], 1);
  EXPECT_NEAR(u1["score"]["delta"].get<double>(), 16.3, tolerance);
  EXPECT_NEAR(find(u1["groups"], "a")["delta"].get<double>(), 11.5, tolerance);
  EXPECT_NEAR(find(u1["groups"], "b")["delta"].get<double>(), 23.5, tolerance);
  EXPECT_NEAR(find(u1["dimensions"], "svc")["delta"].get<double>(), 20.5, tolerance);
  const json& q1 = find(u1["items"], "q1");
  EXPECT_NEAR(q1["mean_points"]["delta"].get<double>(), 93.75 - 230.0 / 3.0, tolerance);
  EXPECT_NEAR(q1["satisfaction_rate"]["delta"].get<double>(), 1.0 / 3.0, tolerance);
  EXPECT_NEAR(find(u1["items"], "q2")["mean_points"]["delta"].get<double>(), -1.25, tolerance);

  const json& u2 = find(doc["units"], "u2");
  EXPECT_NEAR(u2["total"]["delta"].get<double>(), -6.8, tolerance);
  EXPECT_EQ(u2["rank"]["delta"], -1);
  EXPECT_NEAR(find(u2["groups"], "a")["delta"].get<double>(), -7.5, tolerance);
  const json& b = find(u2["groups"], "b");
  EXPECT_NEAR(b["old"].get<double>(), 75.0, tolerance);
  EXPECT_TRUE(b["new"].is_null());    // no group b ballot in June
  EXPECT_TRUE(b["delta"].is_null());  // not 0 − 75
  EXPECT_NEAR(find(u2["items"], "q1")["satisfaction_rate"]["delta"].get<double>(), -1.0 / 6.0, tolerance);

  // Moved most over all units: u1/b 23.5, u1/a 11.5, u2/a 7.5; items u1/q1, u2/q1, u2/q2.
  const json& groups = doc["moved_most"]["groups"];
  ASSERT_EQ(groups.size(), 3U);
  EXPECT_EQ(groups[0]["unit"].get<std::string>() + "/" + groups[0]["id"].get<std::string>(), "u1/b");
  EXPECT_EQ(groups[1]["unit"].get<std::string>() + "/" + groups[1]["id"].get<std::string>(), "u1/a");
  EXPECT_EQ(groups[2]["unit"].get<std::string>() + "/" + groups[2]["id"].get<std::string>(), "u2/a");
  const json& items = doc["moved_most"]["items"];
  ASSERT_EQ(items.size(), 3U);
  EXPECT_EQ(items[0]["unit"].get<std::string>() + "/" + items[0]["id"].get<std::string>(), "u1/q1");
  EXPECT_EQ(items[1]["unit"].get<std::string>() + "/" + items[1]["id"].get<std::string>(), "u2/q1");
  EXPECT_EQ(items[2]["unit"].get<std::string>() + "/" + items[2]["id"].get<std::string>(), "u2/q2");
  EXPECT_NEAR(items[2]["delta"].get<double>(), 65.0 - 205.0 / 3.0, tolerance);
}

TEST_F(CompareCli, TopAndTextAndCsvToAFile) {
  const run_result text = run({"compare", may_, june_, "--top", "1"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("units: 2 compared, 0 added, 0 removed"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("+13.04"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("-6.80"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("+23.50"), std::string::npos) << text.out;   // u1/b, the top group
  EXPECT_EQ(text.out.find("+11.50"), std::string::npos) << text.out;   // --top 1: not listed

  const std::string csv = (work_ / "changes.csv").string();
  const run_result r = run({"compare", may_, june_, "-f", "csv", "-o", csv});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  const std::string table = read_file(csv);
  EXPECT_EQ(table.rfind("unit_id,unit_label,status,kind,id,label,old,new,delta\r\n", 0), 0U);
  EXPECT_NE(table.find(",rank,,,2,1,1\r\n"), std::string::npos) << table;
  EXPECT_NE(table.find(",group,b,群众,75,,\r\n"), std::string::npos) << table;
  for (const auto& entry : fs::directory_iterator(work_))  // no temporary file left behind
    EXPECT_EQ(entry.path().filename().string().find(".qscore-"), std::string::npos) << entry.path();
}

TEST_F(CompareCli, ReportOfAnotherQuestionnaireIsRefused) {
  json other = json::parse(read_file(june_));
  other["questionnaire"]["id"] = "staff";
  const fs::path staff = write("staff.json", other.dump());
  const run_result r = run({"compare", may_, staff.string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("error[F119]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'tiny'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'staff'"), std::string::npos) << r.err;
}

TEST_F(CompareCli, OtherVersionWarnsOnStderr) {
  json later = json::parse(read_file(june_));
  later["questionnaire"]["version"] = "2";
  const fs::path v2 = write("v2.json", later.dump());
  const run_result r = run({"compare", may_, v2.string(), "-f", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning[F119] the questionnaire versions differ"), std::string::npos) << r.err;
  EXPECT_EQ(json::parse(r.out)["warnings"].size(), 1U);
  EXPECT_TRUE(run({"compare", may_, v2.string(), "-q"}).err.empty());
}

TEST_F(CompareCli, BrokenReportsNameFilePathAndValue) {
  json bad = json::parse(read_file(june_));
  bad["units"][1]["total"] = "52";
  const fs::path wrong_type = write("wrong_type.json", bad.dump(2));
  run_result r = run({"compare", may_, wrong_type.string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find(wrong_type.string() + ": error[F118] found \"52\", expected a number or null (at /units/1/total)"),
            std::string::npos)
      << r.err;

  const fs::path not_json = write("truncated.json", read_file(june_).substr(0, 40));
  r = run({"compare", not_json.string(), june_});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find(not_json.string() + ":"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("error[F116] not valid JSON"), std::string::npos) << r.err;

  // A qscore CSV report is not a JSON report.
  const fs::path csv = write("report.csv", "unit_id,unit_label\r\nu1,x\r\n");
  r = run({"compare", csv.string(), june_});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("error[F116]"), std::string::npos) << r.err;

  const fs::path array = write("array.json", "[]");
  r = run({"compare", may_, array.string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("error[F117] not a qscore report"), std::string::npos) << r.err;

  r = run({"compare", may_, (work_ / "missing.json").string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("error[F116] cannot open"), std::string::npos) << r.err;
}

TEST_F(CompareCli, UsageErrors) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"compare", may_},
           {"compare", may_, june_, "--top", "-1"},
           {"compare", may_, june_, "--format", "xml"},
       }) {
    const run_result r = run(args);
    EXPECT_EQ(r.exit_code, 1) << args.back();
    EXPECT_EQ(r.err.rfind("qscore: error: ", 0), 0U) << r.err;
  }
  const run_result help = run({"compare", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--top"), std::string::npos);
}

}  // namespace
