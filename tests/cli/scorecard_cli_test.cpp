// `qscore score --input ...` and `qscore explain` end to end on the full appraisal example
// (examples/appraisal-full) with the 400-row appraisal fixture (data/appraisal_400.csv: same
// items, groups and units). The survey totals come from the data; what is checked here is what
// the scorecard adds, worked out by hand from the example's input files:
//   power: 8.5 supervision; complaints 10 − 28.25 = −18.25 -> floor 0 (regulator 25 × 0.5 +
//          25 × 0.2 = 17.5, hotline 3 × 0.7 = 2.1, conduct office 7 × 0.4 = 2.8, 95598
//          17 × 0.3 = 5.1, 95598 fault repair 15 × 0.05 = 0.75); no bonus row -> 0
//          total = survey + 8.5 + 0 + 0
//   water: 9.5; complaints 10 − (2 × 0.5 + 1 × 0.5) = 8.5; bonus 1 -> total = survey + 19
//   bus:   9; complaints 10 − 3 × 0.5 = 8.5; bonus 2.5 cut to 2 -> total = survey + 19.5
//   gas:   vetoed (veto.csv line 2): ranked after the five others, band dissatisfied
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cmath>
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

const std::string example = std::string(QSCORE_SOURCE_DIR) + "/examples/appraisal-full";
const std::string definition = example + "/appraisal-full.yaml";
const std::string rows = std::string(QSCORE_CLI_DATA) + "/appraisal_400.csv";

class ScorecardCli : public ::testing::Test {
 protected:
  void SetUp() override {
    work_ = fresh_work_dir(QSCORE_CLI_WORK, *::testing::UnitTest::GetInstance());
  }

  run_result run(const std::vector<std::string>& args) { return run_binary(QSCORE_CLI, args, work_); }

  fs::path write(const std::string& name, const std::string& text) {
    const fs::path path = work_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  static std::vector<std::string> inputs(const std::string& supervision = example + "/supervision.csv") {
    return {"--input", "supervision=" + supervision, "--input", "complaints=" + example + "/complaints.csv",
            "--input", "bonus=" + example + "/bonus.csv", "--input", "veto=" + example + "/veto.csv"};
  }

  static std::vector<std::string> with(std::vector<std::string> head, const std::vector<std::string>& tail) {
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
  }

  fs::path work_;
};

const json& find(const json& list, const std::string& id) {
  for (const auto& u : list)
    if (u["id"] == id) return u;
  static const json none;
  ADD_FAILURE() << "no " << id;
  return none;
}

TEST_F(ScorecardCli, JsonScorecardMatchesTheHandWorkedInputs) {
  const run_result r = run(with({"score", definition, rows, "--format", "json", "--quiet", "--rank-replicates", "0"}, inputs()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json doc = json::parse(r.out);
  const json& card = doc["scorecard"];
  EXPECT_EQ(card["points"], 100.0);
  ASSERT_EQ(card["units"].size(), 6U);
  const auto survey = [&](const std::string& id) { return find(doc["units"], id)["total"].get<double>(); };

  const json& power = find(card["units"], "power");
  EXPECT_NEAR(power["total"].get<double>(), survey("power") + 8.5, 1e-9);
  const json& complaints = power["components"][2];
  EXPECT_EQ(complaints["id"], "complaints");
  EXPECT_EQ(complaints["value"], 0.0);
  EXPECT_NEAR(complaints["deducted"].get<double>(), 28.25, 1e-9);
  EXPECT_EQ(complaints["floored"], true);
  EXPECT_EQ(complaints["count"], 67);
  EXPECT_EQ(complaints["escalated"], 52);
  ASSERT_EQ(power["deductions"].size(), 16U);
  EXPECT_EQ(power["deductions"][0]["source"], "regulator");
  EXPECT_EQ(power["deductions"][0]["category"], "supply_quality");
  EXPECT_NEAR(power["deductions"][0]["points"].get<double>(), 7.0, 1e-12);  // 10 × 0.5 + 10 × 0.2
  EXPECT_EQ(power["deductions"][0]["lines"], json::array({2}));

  EXPECT_NEAR(find(card["units"], "water")["total"].get<double>(), survey("water") + 19.0, 1e-9);
  const json& bus = find(card["units"], "bus");
  EXPECT_NEAR(bus["total"].get<double>(), survey("bus") + 19.5, 1e-9);
  EXPECT_EQ(bus["components"][3]["capped"], true);

  const json& gas = card["units"][5];  // the vetoed unit comes last
  EXPECT_EQ(gas["id"], "gas");
  EXPECT_EQ(gas["vetoed"], true);
  EXPECT_EQ(gas["rank"], 6);
  EXPECT_EQ(gas["band"], "dissatisfied");
  EXPECT_EQ(gas["veto_reason"], "verified major safety incident (一票否决)");
  // Ranks 1..5 by total, descending, before it.
  for (std::size_t i = 0; i + 1 < 5; ++i)
    EXPECT_GE(card["units"][i]["total"].get<double>(), card["units"][i + 1]["total"].get<double>());
}

TEST_F(ScorecardCli, TextAndCsvCarryTheScorecard) {
  const run_result text = run(with({"score", definition, rows, "--quiet", "--rank-replicates", "0", "--lang", "en"}, inputs()));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("Composite scorecard (out of 100)"), std::string::npos);
  EXPECT_NE(text.out.find("0.00 (floor)"), std::string::npos);
  EXPECT_NE(text.out.find("2.00 (capped)"), std::string::npos);
  EXPECT_NE(text.out.find("vetoed: verified major safety incident"), std::string::npos);
  const run_result csv = run(with({"score", definition, rows, "--quiet", "--format", "csv", "--rank-replicates", "0"}, inputs()));
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_NE(csv.out.find(",card_total,card_rank,card_band,card_vetoed,card_not_ranked_reason,card_survey,"
                         "card_supervision,card_complaints,card_bonus\r\n"),
            std::string::npos);
}

TEST_F(ScorecardCli, InputProblemsExitThree) {
  const run_result none = run({"score", definition, rows, "--quiet"});
  EXPECT_EQ(none.exit_code, 3);
  EXPECT_NE(none.err.find("error[F111] no input file for 'supervision' (give it as --input supervision=FILE)"),
            std::string::npos)
      << none.err;
  const fs::path bad = write("sup.csv", "unit,value\npower,8\nzoo,9\nwater,ten\n");
  const run_result rows_bad = run(with({"score", definition, rows, "--quiet"}, inputs(bad.string())));
  EXPECT_EQ(rows_bad.exit_code, 3);
  EXPECT_NE(rows_bad.err.find(bad.string() + ":3:1: error[F113] unknown unit 'zoo', expected one of: power, water, gas, "
                                             "telecom, bus, post"),
            std::string::npos)
      << rows_bad.err;
  EXPECT_NE(rows_bad.err.find(bad.string() + ":4:7: error[F115] value 'ten' is not a number"), std::string::npos)
      << rows_bad.err;
  const run_result plain = run({"score", std::string(QSCORE_SOURCE_DIR) + "/examples/appraisal/appraisal.yaml", rows,
                                "--input", "supervision=x.csv"});
  EXPECT_EQ(plain.exit_code, 3);
  EXPECT_NE(plain.err.find("the definition has no scorecard"), std::string::npos);
  const run_result malformed = run({"score", definition, rows, "--input", "supervision"});
  EXPECT_EQ(malformed.exit_code, 1);
}

TEST_F(ScorecardCli, ExplainShowsTheArithmetic) {
  // Under the default privacy rule (min_cell 5) some of power's groups in these 405 rows are
  // withheld, in explain as in the report: their mean is null.
  const run_result shipped = run(with({"explain", definition, rows, "power", "--format", "json"}, inputs()));
  ASSERT_EQ(shipped.exit_code, 0) << shipped.err;
  const json shipped_doc = json::parse(shipped.out);
  int withheld = 0;
  for (const auto& g : shipped_doc["survey"]["groups"]) withheld += g["mean"].is_null() ? 1 : 0;
  EXPECT_GT(withheld, 0);

  // The arithmetic itself, with every group published: the same definition at min_cell 1.
  const fs::path open_definition = work_ / "appraisal-full-min-cell-1.yaml";
  {
    std::ofstream out(open_definition, std::ios::binary);
    out << read_file(definition) << "\nprivacy:\n  min_cell: 1\n";
  }
  const run_result r =
      run(with({"explain", open_definition.string(), rows, "power", "--format", "json"}, inputs()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json e = json::parse(r.out);
  EXPECT_EQ(e["unit"], "power");
  ASSERT_EQ(e["survey"]["groups"].size(), 9U);
  double sum = 0.0;
  for (const auto& g : e["survey"]["groups"]) {
    EXPECT_NEAR(g["part"].get<double>(), g["share_used"].get<double>() * g["mean"].get<double>(), 1e-12);
    sum += g["part"].get<double>();
  }
  EXPECT_NEAR(sum, e["survey"]["score"].get<double>(), 1e-9);
  EXPECT_NEAR(e["survey"]["total"].get<double>(), e["survey"]["score"].get<double>() * 0.8, 1e-9);
  EXPECT_EQ(e["scorecard"]["components"][2]["floored"], true);
  EXPECT_EQ(e["scorecard"]["veto_action"], "last");

  const run_result gas = run(with({"explain", definition, rows, "City gas company", "--lang", "en"}, inputs()));
  ASSERT_EQ(gas.exit_code, 0) << gas.err;
  EXPECT_NE(gas.out.find("veto: verified major safety incident (一票否决) (" + example + "/veto.csv:2); placed after "
                         "every unit not vetoed, lowest band"),
            std::string::npos)
      << gas.out;
  EXPECT_NE(gas.out.find("band: Dissatisfied (dissatisfied)"), std::string::npos);

  const run_result unknown = run(with({"explain", definition, rows, "zoo"}, inputs()));
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("unknown unit 'zoo'"), std::string::npos);
}

}  // namespace
