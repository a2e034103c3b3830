// score_file(): a file cut into segments and scored on several threads gives the same tally as
// one thread, bit for bit, and the same figures as reading it in one piece.
#include "qscore/pipeline.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "qscore/report/finalize.hpp"
#include "support/small_appraisal.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace qscore;

// `rows` random respondents of the small appraisal, with a bad code ("7") on every 97th line
// (line 1 is the header, so row r sits on line r + 2). Optionally one quoted field.
std::filesystem::path write_responses(const std::string& name, int rows, bool with_quote = false) {
  const auto path = qscore::test_support::temp_dir("qscore_pipeline_test") / name;
  std::ofstream out(path, std::ios::binary);
  out << "respondent_id,group,unit,q1,q2,q3,weight\n";
  std::mt19937 rng(42);
  const char* codes[] = {"1", "2", "3", "4", ""};
  for (int r = 0; r < rows; ++r) {
    const int line = r + 2;
    out << r << ",g" << 1 + rng() % 2 << ",u" << 1 + rng() % 3 << ',';
    out << (line % 97 == 0 ? "7" : codes[rng() % 5]) << ',' << codes[rng() % 5] << ',' << codes[rng() % 5];
    out << ',' << (with_quote && r == rows / 2 ? "\"1.5\"" : std::to_string(0.5 + (rng() % 100) / 100.0)) << '\n';
  }
  return path;
}

instrument weighted_small_appraisal() {
  instrument def = fixtures::small_appraisal();
  def.columns.weight = "weight";
  return def;
}

report score_with(const scoring_plan& plan, const std::filesystem::path& file, unsigned threads,
                  std::uint64_t segment_bytes) {
  score_file_options options;
  options.threads = threads;
  options.segment_bytes = segment_bytes;
  return finalize(plan, score_file(plan, file, options).value());
}

void expect_same_report(const report& a, const report& b) {
  EXPECT_EQ(a.accounting.rows_read, b.accounting.rows_read);
  EXPECT_EQ(a.accounting.scored, b.accounting.scored);
  EXPECT_EQ(a.accounting.void_ballots, b.accounting.void_ballots);
  EXPECT_EQ(a.accounting.rejected, b.accounting.rejected);
  ASSERT_EQ(a.units.size(), b.units.size());
  for (std::size_t u = 0; u < a.units.size(); ++u) {
    EXPECT_EQ(a.units[u].id, b.units[u].id);
    EXPECT_EQ(a.units[u].total, b.units[u].total);  // exact
    for (std::size_t g = 0; g < a.units[u].groups.size(); ++g) {
      EXPECT_EQ(a.units[u].groups[g].mean, b.units[u].groups[g].mean);
      EXPECT_EQ(a.units[u].groups[g].weighted_n, b.units[u].groups[g].weighted_n);
    }
  }
  ASSERT_EQ(a.accounting.rejection_samples.size(), b.accounting.rejection_samples.size());
  for (std::size_t i = 0; i < a.accounting.rejection_samples.size(); ++i)
    EXPECT_EQ(a.accounting.rejection_samples[i].line, b.accounting.rejection_samples[i].line);
}

TEST(score_file, any_thread_count_gives_the_same_tally_bit_for_bit) {
  const scoring_plan plan = compile(weighted_small_appraisal()).value();
  const auto file = write_responses("threads.csv", 20000);  // ~500 KB: ~120 segments of 4 KiB
  const report one = score_with(plan, file, 1, 4096);
  for (const unsigned threads : {2U, 4U, 16U}) expect_same_report(score_with(plan, file, threads, 4096), one);
  // 20000 rows, a bad code on every line divisible by 97 among lines 2..20001: 206 of them.
  EXPECT_EQ(one.accounting.rows_read, 20000);
  EXPECT_EQ(one.accounting.rejected, 206);
  EXPECT_TRUE(one.accounting.reconciles());
}

TEST(score_file, segments_agree_with_one_piece) {
  const scoring_plan plan = compile(weighted_small_appraisal()).value();
  const auto file = write_responses("segments.csv", 20000);
  const report cut = score_with(plan, file, 2, 4096);
  const report whole = score_with(plan, file, 1, std::uint64_t{1} << 40);  // one segment
  EXPECT_EQ(cut.accounting.rows_read, whole.accounting.rows_read);
  EXPECT_EQ(cut.accounting.rejected, whole.accounting.rejected);
  for (std::size_t u = 0; u < cut.units.size(); ++u) {
    EXPECT_NEAR(*cut.units[u].total, *whole.units[u].total, 1e-12 * *whole.units[u].total);
    for (std::size_t j = 0; j < cut.units[u].items.size(); ++j)
      EXPECT_EQ(cut.units[u].items[j].answered, whole.units[u].items[j].answered);
  }
}

TEST(score_file, rejected_rows_keep_their_absolute_line_numbers) {
  const scoring_plan plan = compile(weighted_small_appraisal()).value();
  const auto file = write_responses("lines.csv", 20000);
  const report r = score_with(plan, file, 4, 4096);
  // The bad codes sit on lines 97, 194, 291, ...: the kept samples are the first 100 of them.
  ASSERT_EQ(r.accounting.rejection_samples.size(), 100U);
  for (std::size_t i = 0; i < 100; ++i) {
    EXPECT_EQ(r.accounting.rejection_samples[i].line, static_cast<std::int64_t>(97 * (i + 1)));
    EXPECT_EQ(r.accounting.rejection_samples[i].value, "7");
  }
}

TEST(score_file, a_quoted_field_makes_it_read_in_one_piece) {
  const scoring_plan plan = compile(weighted_small_appraisal()).value();
  const auto file = write_responses("quoted.csv", 20000, true);
  const report one = score_with(plan, file, 1, 4096);
  expect_same_report(score_with(plan, file, 4, 4096), one);
  // ... which is exactly what a single segment gives.
  expect_same_report(score_with(plan, file, 1, std::uint64_t{1} << 40), one);
  EXPECT_EQ(one.accounting.rows_read, 20000);
}

}  // namespace
