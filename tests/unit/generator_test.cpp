// qscore-gen's engine (src/gen/generator.hpp): the PRNG against its published test vectors, the
// determinism of the output, and the CSV it writes read back through batch_builder and scored.
#include "../../src/gen/generator.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "qscore/data/batch_builder.hpp"
#include "qscore/report/finalize.hpp"
#include "qscore/score/scorer.hpp"
#include "qscore/tally/tally.hpp"

namespace {

using namespace qscore;

// A categorical scale with a don't-know, a numeric 1..5 scale with a 9 = don't know, one reversed
// item, three groups, four declared units and a weight column.
instrument survey() {
  instrument def;
  def.id = "gen";
  answer_scale sat;
  sat.id = "sat";
  sat.options = {{"1", label("Satisfied"), 100.0, false, true},
                 {"2", label("Fairly satisfied"), 75.0, false, true},
                 {"3", label("Dissatisfied"), 55.0, false, false},
                 {"4", label("Don't know"), std::nullopt, true, false}};
  answer_scale agree;
  agree.id = "agree";
  agree.kind = scale_kind::numeric;
  agree.min = 1;
  agree.max = 5;
  agree.options = {{"9", label("Don't know"), std::nullopt, true, false}};
  def.scales = {sat, agree};
  def.items = {{"q1", label("One"), "sat", 2.0, "", false, ""},
               {"q2", label("Two"), "sat", 1.0, "", false, ""},
               {"q3", label("Three"), "agree", 1.0, "", false, ""},
               {"q4", label("Four"), "agree", 1.0, "", true, "Q4_raw"}};
  def.groups = {{"a", label("A"), 0.5}, {"b", label("B"), 0.3}, {"c", label("C"), 0.2}};
  def.units = {{"north", label("North")}, {"south", label("South")}, {"east", label("East")},
               {"west", label("West")}};
  def.columns.weight = "w";
  def.ballot.min_answered = 0.5;
  return def;
}

std::string generate(const scoring_plan& plan, const gen::options& opt) {
  std::string out;
  const gen::generator g(plan, opt);
  EXPECT_TRUE(g.run([&](const char* data, std::size_t size) {
    out.append(data, size);
    return true;
  }));
  return out;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i)
    if (i == text.size() || text[i] == separator) {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  return parts;
}

// Lines of a generated CSV (none of these cells needs quoting), without the final empty one.
std::vector<std::string_view> lines(const std::string& csv) {
  auto all = split(csv, '\n');
  EXPECT_TRUE(all.back().empty()) << "the last line must end with a newline";
  all.pop_back();
  return all;
}
std::vector<std::string_view> lines(std::string&&) = delete;  // the views would dangle

TEST(generator_prng, published_test_vectors) {
  // splitmix64 from 0, and xoshiro256** from state {1, 2, 3, 4}, as published with the reference
  // implementations (prng.di.unimi.it) and reproduced by e.g. Rust's rand_xoshiro.
  std::uint64_t x = 0;
  for (const std::uint64_t expected : {0xE220A8397B1DCDAFULL, 0x6E789E6AA1B965F4ULL,
                                       0x06C45D188009454FULL, 0xF88BB8A8724C81ECULL})
    EXPECT_EQ(gen::xoshiro256ss::splitmix64(x), expected);
  auto rng = gen::xoshiro256ss::from_state(1, 2, 3, 4);
  for (const std::uint64_t expected :
       {11520ULL, 0ULL, 1509978240ULL, 1215971899390074240ULL, 1216172134540287360ULL,
        607988272756665600ULL, 16172922978634559625ULL, 8476171486693032832ULL,
        10595114339597558777ULL, 2904607092377533576ULL})
    EXPECT_EQ(rng.next(), expected);
}

TEST(generator, same_seed_same_bytes_other_seed_other_bytes) {
  const scoring_plan plan = compile(survey()).value();
  gen::options opt;
  opt.rows = 2000;
  opt.seed = 42;
  const std::string first = generate(plan, opt);
  EXPECT_EQ(generate(plan, opt), first);
  opt.seed = 43;
  EXPECT_NE(generate(plan, opt), first);
}

TEST(generator, header_then_one_line_per_row) {
  const scoring_plan plan = compile(survey()).value();
  gen::options opt;
  opt.rows = 1234;
  const std::string csv = generate(plan, opt);
  const auto rows = lines(csv);
  ASSERT_EQ(rows.size(), 1235U);
  EXPECT_EQ(rows[0], "respondent_id,group,unit,w,q1,q2,q3,Q4_raw");
  opt.rows = 0;
  EXPECT_EQ(generate(plan, opt), "respondent_id,group,unit,w,q1,q2,q3,Q4_raw\n");
}

TEST(generator, every_row_is_accepted_and_scored) {
  const scoring_plan plan = compile(survey()).value();
  gen::options opt;
  opt.rows = 5000;
  opt.seed = 7;
  const std::string csv = generate(plan, opt);
  const auto rows = lines(csv);
  batch_builder builder(plan);
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto cells = split(rows[r], ',');
    ASSERT_EQ(cells.size(), 8U) << rows[r];
    EXPECT_EQ(cells[0], std::to_string(r));  // respondent ids count from 1
    ASSERT_EQ(cells[3].size(), 5U) << cells[3];  // weights 0.800..1.200, three decimals
    const double w = std::stod(std::string(cells[3]));
    EXPECT_GE(w, 0.8);
    EXPECT_LE(w, 1.2);
    const std::vector<std::string_view> answers(cells.begin() + 4, cells.end());
    builder.add_text_row(cells[1], cells[2], answers, cells[3], static_cast<std::int64_t>(r + 1));
  }
  EXPECT_EQ(builder.rejected(), 0U);
  const response_batch batch = builder.take();
  EXPECT_EQ(batch.rows(), 5000);
  tally totals = make_tally(plan);
  accumulate(totals, plan, batch, score(plan, batch));
  const report result = finalize(plan, totals);
  EXPECT_TRUE(result.accounting.reconciles());
  EXPECT_EQ(result.accounting.rows_read, 5000);
  EXPECT_GT(result.accounting.void_ballots, 0);  // the 1% void ballots (and a few more by chance)
  ASSERT_EQ(result.units.size(), 4U);
  for (const auto& unit : result.units) EXPECT_TRUE(unit.rank.has_value()) << unit.id;
}

TEST(generator, frequencies_follow_the_options) {
  const scoring_plan plan = compile(survey()).value();
  gen::options opt;
  opt.rows = 200000;
  opt.seed = 2023;
  const std::string csv = generate(plan, opt);
  const auto rows = lines(csv);
  std::map<std::string_view, double> groups;
  std::map<std::string_view, std::map<std::string_view, double>> top_box;  // unit -> q1 == "1"
  std::map<std::string_view, double> unit_rows;
  double cells = 0, blank = 0, answered_sat = 0, dont_know_sat = 0;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto c = split(rows[r], ',');
    groups[c[1]] += 1;
    unit_rows[c[2]] += 1;
    if (c[4] == "1") top_box[c[2]]["1"] += 1;
    for (std::size_t j = 4; j < c.size(); ++j) {
      cells += 1;
      if (c[j].empty()) blank += 1;
    }
    for (std::size_t j = 4; j < 6; ++j) {
      if (c[j].empty()) continue;
      answered_sat += 1;
      if (c[j] == "4") dont_know_sat += 1;
    }
  }
  const double n = static_cast<double>(opt.rows);
  // Standard errors are below 0.0012 for these proportions at n = 200000; allow about 5 of them.
  EXPECT_NEAR(groups["a"] / n, 0.5, 0.006);
  EXPECT_NEAR(groups["b"] / n, 0.3, 0.006);
  EXPECT_NEAR(groups["c"] / n, 0.2, 0.006);
  for (const auto& [unit, count] : unit_rows) EXPECT_NEAR(count / n, 0.25, 0.006) << unit;
  // Blank: 3% of the cells of ordinary ballots, 90% of those of the 1% void ballots.
  EXPECT_NEAR(blank / cells, 0.99 * 0.03 + 0.01 * 0.9, 0.002);
  EXPECT_NEAR(dont_know_sat / answered_sat, 0.05, 0.003);
  // Units differ in quality: their top-box rates on q1 are not all alike.
  double lowest = 1, highest = 0;
  for (const auto& [unit, count] : unit_rows) {
    const double rate = top_box[unit]["1"] / count;
    lowest = std::min(lowest, rate);
    highest = std::max(highest, rate);
  }
  EXPECT_GT(highest - lowest, 0.05);
}

TEST(generator, invents_units_when_none_are_declared) {
  instrument def = survey();
  def.units.clear();
  def.columns.weight.clear();
  const scoring_plan plan = compile(std::move(def)).value();
  gen::options opt;
  opt.rows = 3000;
  opt.units = 12;
  const std::string csv = generate(plan, opt);
  const auto rows = lines(csv);
  EXPECT_EQ(rows[0], "respondent_id,group,unit,q1,q2,q3,Q4_raw");
  std::set<std::string_view> units;
  for (std::size_t r = 1; r < rows.size(); ++r) units.insert(split(rows[r], ',')[2]);
  std::set<std::string_view> expected;
  const std::vector<std::string> names = {"u01", "u02", "u03", "u04", "u05", "u06",
                                          "u07", "u08", "u09", "u10", "u11", "u12"};
  for (const auto& name : names) expected.insert(name);
  EXPECT_EQ(units, expected);
}

TEST(generator, never_draws_a_group_without_share) {
  instrument def = survey();
  def.groups = {{"a", label("A"), 0.6}, {"b", label("B"), 0.4}, {"none", label("None"), 0.0}};
  const scoring_plan plan = compile(std::move(def)).value();
  gen::options opt;
  opt.rows = 20000;
  const std::string csv = generate(plan, opt);
  EXPECT_EQ(csv.find(",none,"), std::string::npos);
}

TEST(generator, quotes_cells_that_need_it) {
  EXPECT_EQ(gen::generator::csv_field("plain"), "plain");
  EXPECT_EQ(gen::generator::csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(gen::generator::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
}

}  // namespace
