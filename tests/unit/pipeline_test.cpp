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

enum class quotes : std::uint8_t {
  none,
  // Row rows / 2 has its weight quoted ("1.5"): a quoted field without a line break.
  one_field,
  // The same row's weight as 1.500: the same value in as many bytes, unquoted.
  one_field_unquoted,
  // The last row that starts before byte 5 x 4096 has a quoted id spanning 11 lines, past that
  // byte: its first line "r<r>", then 10 lines "x,g9,u9,1,1,1,1" (a record of an unknown group,
  // were a segment to start there), then the closing quote.
  line_breaks_across_a_cut,
};

// `rows` random respondents of the small appraisal, with a bad code ("7") on every 97th line
// (line 1 is the header, so row r sits on line r + 2, before any quoted line break).
std::filesystem::path write_responses(const std::string& name, int rows, quotes quoted = quotes::none) {
  const auto path = qscore::test_support::temp_dir("qscore_pipeline_test") / name;
  std::string text = "respondent_id,group,unit,q1,q2,q3,weight\n";
  std::mt19937 rng(42);
  const char* codes[] = {"1", "2", "3", "4", ""};
  bool across = false;
  for (int r = 0; r < rows; ++r) {
    const int line = r + 2;
    std::string id = std::to_string(r);
    if (quoted == quotes::line_breaks_across_a_cut && !across && text.size() + 40 > 5 * 4096) {
      across = true;
      id = "\"r" + id + "\n";
      for (int i = 0; i < 10; ++i) id += "x,g9,u9,1,1,1,1\n";
      id += '"';
    }
    text += id + ",g" + std::to_string(1 + rng() % 2) + ",u" + std::to_string(1 + rng() % 3) + ',';
    text += std::string(line % 97 == 0 ? "7" : codes[rng() % 5]) + ',' + codes[rng() % 5] + ',' + codes[rng() % 5];
    std::string weight = std::to_string(0.5 + (rng() % 100) / 100.0);
    if (r == rows / 2 && quoted == quotes::one_field) weight = "\"1.5\"";
    if (r == rows / 2 && quoted == quotes::one_field_unquoted) weight = "1.500";
    text += ',' + weight + '\n';
  }
  std::ofstream(path, std::ios::binary) << text;
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
      // The quartiles come from the score histograms, which from 14 threads on the workers count
      // (shared_score_counts.hpp) and below that the merge.
      const auto& x = a.units[u].groups[g].stats;
      const auto& y = b.units[u].groups[g].stats;
      EXPECT_TRUE(x.median.has_value()) << a.units[u].id << " group " << g;
      EXPECT_EQ(x.min, y.min);
      EXPECT_EQ(x.q1, y.q1);
      EXPECT_EQ(x.median, y.median);
      EXPECT_EQ(x.q3, y.q3);
      EXPECT_EQ(x.max, y.max);
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

TEST(score_file, segments_waiting_follow_the_threads_and_the_tally_budget) {
  constexpr std::size_t mib = std::size_t{1} << 20;
  // One thread: none waits, whatever the tallies (its segment is merged before the next).
  EXPECT_EQ(detail::segments_waiting(1, 0, 64 * mib), 0U);
  EXPECT_EQ(detail::segments_waiting(1, 150'000, 64 * mib), 0U);
  // Size not known yet: one waits at two threads, threads + 2 from three on.
  EXPECT_EQ(detail::segments_waiting(2, 0, 64 * mib), 1U);
  EXPECT_EQ(detail::segments_waiting(3, 0, 64 * mib), 5U);
  EXPECT_EQ(detail::segments_waiting(16, 0, 64 * mib), 18U);
  // Small tallies (the bench pool's, about 150 KB): (67,108,864 - 150,000) / 150,000 = 446
  // places beside the file's own tally, capped at 18 (at 1 with two threads).
  EXPECT_EQ(detail::segments_waiting(16, 150'000, 64 * mib), 18U);
  EXPECT_EQ(detail::segments_waiting(2, 150'000, 64 * mib), 1U);
  // 10 MB tallies: (67,108,864 - 10,000,000) / 10,000,000 = 5.7, so 5 places.
  EXPECT_EQ(detail::segments_waiting(16, 10'000'000, 64 * mib), 5U);
  EXPECT_EQ(detail::segments_waiting(2, 10'000'000, 64 * mib), 1U);
  // 38 MB tallies (5,000 units of 9 groups): the file's own leaves 29 MB, not room for one more;
  // still one from three threads on, none at two.
  EXPECT_EQ(detail::segments_waiting(16, 38'000'000, 64 * mib), 1U);
  EXPECT_EQ(detail::segments_waiting(2, 38'000'000, 64 * mib), 0U);
  // Tallies larger than the budget: the same.
  EXPECT_EQ(detail::segments_waiting(16, 200 * mib, 64 * mib), 1U);
  EXPECT_EQ(detail::segments_waiting(2, 200 * mib, 64 * mib), 0U);
}

TEST(score_file, a_tally_budget_of_one_waiting_segment_gives_the_same_report) {
  const scoring_plan plan = compile(weighted_small_appraisal()).value();
  const auto file = write_responses("budget.csv", 20000);
  score_file_options options;
  options.threads = 16;
  options.segment_bytes = 4096;
  options.waiting_tally_bytes = 1;  // every tally is larger: one segment waits at a time
  expect_same_report(finalize(plan, score_file(plan, file, options).value()), score_with(plan, file, 1, 4096));
  // And the budget holds: a worker asks for its next segment only after finishing one, whose
  // tally's size is then known, so never more than 16 scored + 1 waiting are taken unmerged.
  const std::uint64_t segments = (std::filesystem::file_size(file) + 4095) / 4096;
  const detail::segmented_run run =
      detail::score_segments(plan, file, options, 4096, segments, detail::id_check::in_merge);
  EXPECT_TRUE(run.errors.empty());
  EXPECT_GE(run.most_in_flight, 1U);
  EXPECT_LE(run.most_in_flight, 17U);
  // Two threads with no room: the two segments being scored, none waiting. One thread: one
  // segment at a time, merged before the next is taken.
  for (const unsigned threads : {2U, 1U}) {
    options.threads = threads;
    const detail::segmented_run few =
        detail::score_segments(plan, file, options, 4096, segments, detail::id_check::in_merge);
    EXPECT_TRUE(few.errors.empty());
    EXPECT_GE(few.most_in_flight, 1U);
    EXPECT_LE(few.most_in_flight, threads);
    expect_same_report(finalize(plan, score_file(plan, file, options).value()), score_with(plan, file, 1, 4096));
  }
  options.waiting_tally_bytes = score_file_options{}.waiting_tally_bytes;
  options.threads = 1;
  EXPECT_EQ(detail::score_segments(plan, file, options, 4096, segments, detail::id_check::in_merge).most_in_flight, 1U);
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

TEST(score_file, a_quoted_field_without_a_line_break_leaves_the_file_split) {
  const scoring_plan plan = compile(weighted_small_appraisal()).value();
  const auto quoted = write_responses("quoted.csv", 20000, quotes::one_field);
  const auto unquoted = write_responses("unquoted.csv", 20000, quotes::one_field_unquoted);
  // "1.5" and 1.500 are one weight in as many bytes, so both files are cut into the same
  // segments and give the same bits. Read in one piece, the quoted file's sums would be added
  // in another order (its fractional weights differ from the segments' in the last bits).
  const report split = score_with(plan, unquoted, 1, 4096);
  expect_same_report(score_with(plan, quoted, 1, 4096), split);
  expect_same_report(score_with(plan, quoted, 4, 4096), split);
  EXPECT_EQ(split.accounting.rows_read, 20000);
  // A "7" on each line that is a multiple of 97, from 97 to 97 x 206 = 19,982: 206 rows.
  EXPECT_EQ(split.accounting.rejected, 206);
}

TEST(score_file, a_quoted_line_break_across_a_cut_makes_it_read_in_one_piece) {
  const scoring_plan plan = compile(weighted_small_appraisal()).value();
  const auto file = write_responses("quoted_breaks.csv", 20000, quotes::line_breaks_across_a_cut);
  // One piece: exactly what a single segment gives, for any thread count. A segment starting
  // inside the quoted id would have taken its lines as 10 rows of group g9 (rejected, R202).
  const report whole = score_with(plan, file, 1, std::uint64_t{1} << 40);
  expect_same_report(score_with(plan, file, 1, 4096), whole);
  expect_same_report(score_with(plan, file, 4, 4096), whole);
  EXPECT_EQ(whole.accounting.rows_read, 20000);
  // The "7"s are placed by row (r + 2 a multiple of 97), whatever the lines: 206 rows, as
  // above, and no R202 among the rejections.
  EXPECT_EQ(whole.accounting.rejected, 206);
}

}  // namespace
