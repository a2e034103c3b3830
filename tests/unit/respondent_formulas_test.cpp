// Respondent-level formulas wired into the engine: derived scores in the scorer and their unit
// means in the report, ballot.valid_if, each check action, missing propagation, division-by-zero
// counts, and the same JSON whatever the thread count and segment size. Every expected value is
// worked out by hand in the comments, from the small appraisal's points (tests/support/
// small_appraisal.hpp): code 1 = 100, 2 = 75, 3 = 55, 4 = don't know (missing), 0 = blank.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "qscore/data/batch_builder.hpp"
#include "qscore/io/write_json.hpp"
#include "qscore/pipeline.hpp"
#include "qscore/report/finalize.hpp"
#include "qscore/score/scorer.hpp"
#include "qscore/tally/tally.hpp"
#include "support/small_appraisal.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace qscore;

formula_text text(std::string formula) { return formula_text{std::move(formula), {}}; }

// Derived scores: service = mean(q1, q2); gap = q1 - q3; ratio = q3 / (q1 - q2);
// combo = service + answered (a formula using another one and the variable `answered`).
instrument with_derived() {
  instrument def = fixtures::small_appraisal();
  def.formulas = {{"service", label("Service"), text("mean(q1, q2)")},
                  {"gap", label(), text("q1 - q3")},
                  {"ratio", label(), text("q3 / (q1 - q2)")},
                  {"combo", label(), text("service + answered")}};
  return def;
}

response_batch derived_rows(const scoring_plan& plan) {
  batch_builder builder(plan);
  const answer_code r0[] = {1, 1, 2};  // q1 100, q2 100, q3 75
  const answer_code r1[] = {2, 3, 1};  // q1 75, q2 55, q3 100
  const answer_code r2[] = {3, 4, 3};  // q1 55, q2 don't know, q3 55
  const answer_code r3[] = {4, 4, 1};  // q1, q2 don't know, q3 100: 1 item < 1.5, void
  const answer_code r4[] = {1, 2, 0};  // q1 100, q2 75, q3 blank
  EXPECT_TRUE(builder.add_coded_row(0, 0, r0));
  EXPECT_TRUE(builder.add_coded_row(0, 0, r1));
  EXPECT_TRUE(builder.add_coded_row(1, 0, r2));
  EXPECT_TRUE(builder.add_coded_row(1, 0, r3));
  EXPECT_TRUE(builder.add_coded_row(0, 1, r4));
  return builder.take();
}

TEST(respondent_formulas, plan_adds_one_score_column_per_derived_formula) {
  const scoring_plan plan = compile(with_derived()).value();
  EXPECT_EQ(plan.item_score_columns(), 3U);  // whole, A, B
  EXPECT_EQ(plan.score_columns(), 7U);       // + service, gap, ratio, combo
  EXPECT_EQ(plan.weights.cols(), 3);
  const scoring_plan plain = compile(fixtures::small_appraisal()).value();
  EXPECT_EQ(plain.formulas, nullptr);  // no formulas: nothing to evaluate
  EXPECT_NE(plan.fingerprint, plain.fingerprint);
}

TEST(respondent_formulas, derived_scores_per_respondent_with_missing_propagation) {
  const scoring_plan plan = compile(with_derived()).value();
  const response_batch batch = derived_rows(plan);
  const score_batch s = score(plan, batch);
  constexpr Eigen::Index service = 3, gap = 4, ratio = 5, combo = 6;
  // r0: service (100 + 100) / 2 = 100; gap 100 - 75 = 25; ratio 75 / (100 - 100): division by
  // zero, missing; combo 100 + 3 answered = 103.
  EXPECT_DOUBLE_EQ(s.score(0, service), 100.0);
  EXPECT_DOUBLE_EQ(s.score(0, gap), 25.0);
  EXPECT_FALSE(s.has_score(0, ratio));
  EXPECT_DOUBLE_EQ(s.score(0, combo), 103.0);
  // r1: service (75 + 55) / 2 = 65; gap 75 - 100 = -25; ratio 100 / (75 - 55) = 5; combo 68.
  EXPECT_DOUBLE_EQ(s.score(1, service), 65.0);
  EXPECT_DOUBLE_EQ(s.score(1, gap), -25.0);
  EXPECT_DOUBLE_EQ(s.score(1, ratio), 5.0);
  EXPECT_DOUBLE_EQ(s.score(1, combo), 68.0);
  // r2: q2 is a non-answer, so missing: mean() takes q1 alone = 55; q1 - q2 is missing, so ratio
  // is missing without a division by zero; combo 55 + 2 answered = 57.
  EXPECT_DOUBLE_EQ(s.score(2, service), 55.0);
  EXPECT_DOUBLE_EQ(s.score(2, gap), 0.0);
  EXPECT_TRUE(s.has_score(2, gap));
  EXPECT_FALSE(s.has_score(2, ratio));
  EXPECT_DOUBLE_EQ(s.score(2, combo), 57.0);
  // r3: q1 and q2 both missing: mean() of nothing is missing, and so is combo that uses it.
  EXPECT_FALSE(s.has_score(3, service));
  EXPECT_FALSE(s.has_score(3, gap));
  EXPECT_FALSE(s.has_score(3, combo));
  // r4: service (100 + 75) / 2 = 87.5; q3 blank: gap and ratio missing; combo 87.5 + 2 = 89.5.
  EXPECT_DOUBLE_EQ(s.score(4, service), 87.5);
  EXPECT_FALSE(s.has_score(4, gap));
  EXPECT_FALSE(s.has_score(4, ratio));
  EXPECT_DOUBLE_EQ(s.score(4, combo), 89.5);
  EXPECT_FALSE((s.score.array() != s.score.array()).any());  // no NaN anywhere
  // Division by zero: ratio on r0 only. Counted per formula: service, gap, ratio, combo.
  EXPECT_EQ(s.division_by_zero, (std::vector<std::int64_t>{0, 0, 1, 0}));
  // The ballot rule is unchanged: r3 is void.
  EXPECT_EQ(s.status(3), ballot_status::void_ballot);
}

TEST(respondent_formulas, derived_unit_means_combine_groups_with_the_shares_used) {
  const scoring_plan plan = compile(with_derived()).value();
  const response_batch batch = derived_rows(plan);
  tally t = make_tally(plan);
  accumulate(t, plan, batch, score(plan, batch));
  const report r = finalize(plan, t);
  EXPECT_EQ(r.derived_ids, (std::vector<std::string>{"service", "gap", "ratio", "combo"}));
  const auto unit = [&](const std::string& id) -> const unit_result& {
    for (const auto& u : r.units)
      if (u.id == id) return u;
    throw std::runtime_error("no unit " + id);
  };
  const unit_result& u1 = unit("u1");
  ASSERT_EQ(u1.derived.size(), 4U);
  // service in u1: g1 (r0 100, r1 65) mean 82.5; g2 (r2 55; r3 is void) mean 55.
  // 0.6 * 82.5 + 0.4 * 55 = 49.5 + 22 = 71.5, over 3 ballots.
  EXPECT_EQ(u1.derived[0].id, "service");
  EXPECT_EQ(u1.derived[0].label, "Service");
  EXPECT_NEAR(*u1.derived[0].score, 71.5, 1e-12);
  EXPECT_EQ(u1.derived[0].n, 3);
  // ratio in u1: only r1 (5) in g1; g2 has no value, so g1's share renormalises to 1: 5.
  EXPECT_EQ(u1.derived[2].label, "ratio");  // no label: the name
  EXPECT_NEAR(*u1.derived[2].score, 5.0, 1e-12);
  EXPECT_EQ(u1.derived[2].n, 1);
  // combo in u1: g1 (103 + 68) / 2 = 85.5; g2 57. 0.6 * 85.5 + 0.4 * 57 = 51.3 + 22.8 = 74.1.
  EXPECT_NEAR(*u1.derived[3].score, 74.1, 1e-12);
  // service in u2: r4 alone, 87.5.
  EXPECT_NEAR(*unit("u2").derived[0].score, 87.5, 1e-12);
  // u3 has no ballot: no value.
  EXPECT_FALSE(unit("u3").derived[0].score.has_value());
  // The derived columns leave the unit score alone: u1 (see finalize_test's arithmetic for r0..r2):
  // g1 (93.75 + 76.25) / 2 = 85, g2 55: 0.6 * 85 + 0.4 * 55 = 73.
  EXPECT_NEAR(*u1.score, 73.0, 1e-12);
  ASSERT_EQ(r.accounting.division_by_zero.size(), 1U);
  EXPECT_EQ(r.accounting.division_by_zero[0].formula, "ratio");
  EXPECT_EQ(r.accounting.division_by_zero[0].rows, 1);
  EXPECT_TRUE(r.accounting.reconciles());
}

// valid_if and one check of each action. min_answered is 0, so only answered == 0 voids by rule.
instrument with_rules() {
  instrument def = fixtures::small_appraisal();
  def.ballot.min_answered = 0.0;
  def.ballot.valid_if = text("q3 >= 75");
  def.checks = {{"q3_needs_q1", text("missing(q3) or not missing(q1)"), check_action::reject},
                {"q1_not_top", text("q1 != 100"), check_action::void_ballot},
                {"q2_le_q3", text("q2 <= q3"), check_action::flag}};
  return def;
}

TEST(respondent_formulas, valid_if_and_each_check_action) {
  const scoring_plan plan = compile(with_rules()).value();
  batch_builder builder(plan);
  // a: q1 100, q2 100, q3 75. valid_if 75 >= 75 holds; q1 != 100 fails: void (check); q2 <= q3
  //    100 <= 75 fails: flagged.
  const answer_code a[] = {1, 1, 2};
  // b: q1 75, q2 55, q3 100: every rule holds: valid.
  const answer_code b[] = {2, 3, 1};
  // c: q1 don't know, q2 75, q3 55. valid_if 55 >= 75 fails; q3_needs_q1: missing(q3) = 0 or not
  //    missing(q1) = 0: fails: rejected (reject beats void); q1 != 100 is missing: passes;
  //    75 <= 55 fails: flagged.
  const answer_code c[] = {4, 2, 3};
  // d: q1 75, q2 and q3 blank. valid_if is missing: void (valid_if); the checks pass (missing(q3)
  //    is 1; q1 != 100; q2 <= q3 is missing).
  const answer_code d[] = {2, 0, 0};
  // e: nothing answered: void by the ballot rule (min_answered); every rule missing or true.
  const answer_code e[] = {0, 0, 0};
  // f: q1 55, q2 55, q3 75: valid.
  const answer_code f[] = {3, 3, 2};
  for (const auto* row : {a, b, c, d, e, f}) ASSERT_TRUE(builder.add_coded_row(0, 0, std::span(row, 3)));
  const response_batch batch = builder.take();
  const score_batch s = score(plan, batch);
  EXPECT_EQ(s.status(0), ballot_status::void_ballot);
  EXPECT_EQ(s.reason(0), reason_first_check + 1);
  EXPECT_EQ(s.status(1), ballot_status::valid);
  EXPECT_EQ(s.status(2), ballot_status::rejected);
  EXPECT_EQ(s.reason(2), reason_first_check + 0);
  EXPECT_EQ(s.status(3), ballot_status::void_ballot);
  EXPECT_EQ(s.reason(3), reason_valid_if);
  EXPECT_EQ(s.status(4), ballot_status::void_ballot);
  EXPECT_EQ(s.reason(4), reason_min_answered);
  EXPECT_EQ(s.status(5), ballot_status::valid);
  // Failed: q3_needs_q1 on c; q1_not_top on a; q2_le_q3 on a and c.
  EXPECT_EQ(s.check_failed, (std::vector<std::int64_t>{1, 1, 2}));

  tally t = make_tally(plan);
  accumulate(t, plan, batch, s);
  const report r = finalize(plan, t);
  const accounting& acc = r.accounting;
  // 6 rows = 2 valid (b, f) + 3 void (a, d, e) + 1 rejected (c).
  EXPECT_EQ(acc.rows_read, 6);
  EXPECT_EQ(acc.scored, 2);
  EXPECT_EQ(acc.void_ballots, 3);
  EXPECT_EQ(acc.rejected, 1);
  EXPECT_TRUE(acc.reconciles());
  ASSERT_EQ(acc.rejected_by_reason.size(), 1U);
  EXPECT_EQ(acc.rejected_by_reason[0].id, "R220");
  ASSERT_EQ(acc.rejection_samples.size(), 1U);
  EXPECT_EQ(acc.rejection_samples[0].check, "q3_needs_q1");
  EXPECT_EQ(acc.rejection_samples[0].message(),
            "R220 check 'q3_needs_q1' failed: missing(q3) or not missing(q1)");
  ASSERT_EQ(acc.void_by_reason.size(), 3U);
  EXPECT_EQ(acc.void_by_reason[0].reason, "min_answered");
  EXPECT_EQ(acc.void_by_reason[0].count, 1);
  EXPECT_EQ(acc.void_by_reason[1].reason, "valid_if");
  EXPECT_EQ(acc.void_by_reason[1].count, 1);
  EXPECT_EQ(acc.void_by_reason[2].reason, "check q1_not_top");
  EXPECT_EQ(acc.void_by_reason[2].count, 1);
  ASSERT_EQ(acc.checks.size(), 3U);
  EXPECT_EQ(acc.checks[0].action, "reject");
  EXPECT_EQ(acc.checks[1].action, "void");
  EXPECT_EQ(acc.checks[2].action, "flag");
  EXPECT_EQ(acc.checks[2].failed, 2);
  // u1 holds every row: 2 valid, 3 void, 1 rejected. Unit score: b 76.25 and f
  // (2*55 + 55 + 75) / 4 = 60 in g1: mean 68.125 (g2 empty, so g1 takes the whole share).
  EXPECT_EQ(r.units[0].id, "u1");
  EXPECT_EQ(r.units[0].rejected, 1);
  EXPECT_NEAR(*r.units[0].score, 68.125, 1e-12);
}

TEST(respondent_formulas, check_names_a_rejection_between_reader_rejections_in_line_order) {
  const scoring_plan plan = compile(with_rules()).value();
  const auto path = qscore::test_support::temp_dir("qscore_respondent_formulas") / "lines.csv";
  {
    std::ofstream out(path, std::ios::binary);
    out << "respondent_id,group,unit,q1,q2,q3\n"
        << "1,g1,u1,7,1,1\n"   // line 2: R204 (no option 7)
        << "2,g1,u1,4,2,3\n"   // line 3: R220 q3_needs_q1
        << "3,g1,u1,9,1,1\n";  // line 4: R204
  }
  const report r = finalize(plan, score_file(plan, path).value());
  ASSERT_EQ(r.accounting.rejection_samples.size(), 3U);
  EXPECT_EQ(r.accounting.rejection_samples[0].line, 2);
  EXPECT_EQ(r.accounting.rejection_samples[1].line, 3);
  EXPECT_EQ(r.accounting.rejection_samples[1].code, errc::check_failed);
  EXPECT_EQ(r.accounting.rejection_samples[2].line, 4);
  EXPECT_TRUE(r.accounting.reconciles());
  std::filesystem::remove(path);
}

TEST(respondent_formulas, definition_errors_come_from_check_instrument) {
  instrument def = with_rules();
  def.formulas = {{"service", label(), text("mean(q1, q9)")}};
  def.checks.push_back({"q1_not_top", text("q1 +"), check_action::flag});
  const auto problems = check_instrument(def);
  ASSERT_EQ(problems.size(), 3U);
  EXPECT_EQ(problems[0].code, errc::unknown_reference);  // q9 (did you mean q1?)
  EXPECT_EQ(problems[0].path, "/formulas/0/formula");
  EXPECT_EQ(problems[1].code, errc::duplicate_id);
  EXPECT_EQ(problems[1].path, "/checks/3/name");
  EXPECT_EQ(problems[2].code, errc::formula_syntax);
  EXPECT_EQ(problems[2].path, "/checks/3/rule");
  EXPECT_FALSE(compile(def).has_value());
}

// Deterministic random rows of the small appraisal (line r + 2 for row r).
std::filesystem::path write_rows(const std::string& name, int rows) {
  const auto path = qscore::test_support::temp_dir("qscore_respondent_formulas") / name;
  std::ofstream out(path, std::ios::binary);
  out << "respondent_id,group,unit,q1,q2,q3\n";
  std::mt19937 rng(7);
  const char* codes[] = {"1", "2", "3", "4", ""};
  for (int r = 0; r < rows; ++r)
    out << r << ",g" << 1 + rng() % 2 << ",u" << 1 + rng() % 3 << ',' << codes[rng() % 5] << ','
        << codes[rng() % 5] << ',' << codes[rng() % 5] << '\n';
  return path;
}

TEST(respondent_formulas, json_is_identical_for_any_thread_count_and_segment_size) {
  instrument def = with_rules();
  def.formulas = with_derived().formulas;
  const scoring_plan plan = compile(def).value();
  const auto file = write_rows("qscore_respondent_formulas_threads.csv", 20000);
  const auto json = [&](unsigned threads, std::uint64_t segment_bytes, Eigen::Index batch_rows) {
    score_file_options options;
    options.threads = threads;
    options.segment_bytes = segment_bytes;
    options.csv.batch_rows = batch_rows;
    std::ostringstream out;
    write_json(out, finalize(plan, score_file(plan, file, options).value()));
    return out.str();
  };
  // Segments are fixed by the file (4 KiB here); threads and batch sizes only change who scores
  // which rows when, so the bytes must not change.
  const std::string one = json(1, 4096, 4096);
  EXPECT_EQ(json(4, 4096, 333), one);
  EXPECT_EQ(json(2, 4096, 1000), one);
  const auto doc = nlohmann::ordered_json::parse(one);
  EXPECT_EQ(doc["accounting"]["division_by_zero"][0]["formula"], "ratio");
  EXPECT_GT(doc["accounting"]["division_by_zero"][0]["rows"].get<std::int64_t>(), 0);
  EXPECT_EQ(doc["units"][0]["derived"][0]["id"], "service");
  EXPECT_TRUE(doc["accounting"]["reconciles"].get<bool>());
  EXPECT_GT(doc["accounting"]["rejected_by_reason"]["R220"].get<std::int64_t>(), 0);
  std::filesystem::remove(file);
}

}  // namespace
