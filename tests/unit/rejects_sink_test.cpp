// score_file_options::on_rejected: every rejected row reaches the sink once, in file order, with
// absolute line numbers and its raw text, whatever the thread count and segment size; and a
// file with invalid UTF-8 deep inside a later segment fails with the absolute position.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "qscore/pipeline.hpp"
#include "support/small_appraisal.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace qscore;

constexpr int rows = 3000;

// Row r sits on line r + 2 (line 1 is the header). Every 7th row has the bad code 9 for q1;
// every 11th (and not 7th) row has 2 fields too many. Nothing else is wrong.
std::filesystem::path write_file(const std::string& name, const std::string& tail = {}) {
  const auto path = qscore::test_support::temp_dir("qscore_rejects_sink_test") / name;
  std::ofstream out(path, std::ios::binary);
  out << "respondent_id,group,unit,q1,q2,q3\n";
  for (int r = 0; r < rows; ++r) {
    out << "r" << r << ",g1,u1," << (r % 7 == 0 ? "9" : "1") << ",2,3";
    if (r % 7 != 0 && r % 11 == 0) out << ",x,y";
    out << '\n';
  }
  out << tail;
  return path;
}

struct seen {
  std::int64_t line;
  errc code;
  std::string raw;
  bool operator==(const seen&) const = default;
};

std::vector<seen> collect(const scoring_plan& plan, const std::filesystem::path& file,
                          unsigned threads, std::uint64_t segment_bytes) {
  std::vector<seen> out;
  score_file_options options;
  options.threads = threads;
  options.segment_bytes = segment_bytes;
  options.csv.keep_rejected_raw = true;
  options.on_rejected = [&out](const row_rejection& r) { out.push_back({r.line, r.code, r.raw}); };
  const auto totals = score_file(plan, file, options);
  EXPECT_TRUE(totals.has_value());
  if (totals) {
    EXPECT_EQ(totals->rows_read, rows);
    EXPECT_EQ(totals->rejected(), static_cast<std::int64_t>(out.size()));
  }
  return out;
}

TEST(rejects_sink, every_rejected_row_once_in_file_order_for_any_thread_count) {
  const auto plan = compile(fixtures::small_appraisal()).value();
  const auto file = write_file("rejects.csv");
  // Expected, from the construction above: rows 0, 7, 14, ... are R204; rows divisible by 11
  // but not by 7 are R201; in line order.
  std::vector<seen> expected;
  for (int r = 0; r < rows; ++r) {
    const std::string id = "r" + std::to_string(r);
    if (r % 7 == 0) expected.push_back({r + 2, errc::invalid_code, id + ",g1,u1,9,2,3"});
    else if (r % 11 == 0) expected.push_back({r + 2, errc::field_count, id + ",g1,u1,1,2,3,x,y"});
  }
  // 3000/7 rounded up = 429 bad codes; multiples of 11 below 3000: 273, of 77: 39 -> 234 more.
  ASSERT_EQ(expected.size(), 429U + 234U);
  EXPECT_EQ(collect(plan, file, 1, std::uint64_t{1} << 30), expected);  // one piece
  for (const unsigned threads : {1U, 3U, 8U})
    EXPECT_EQ(collect(plan, file, threads, 4096), expected) << threads << " threads";
}

TEST(rejects_sink, invalid_utf8_in_a_later_segment_names_its_absolute_line) {
  const auto plan = compile(fixtures::small_appraisal()).value();
  // The bad byte is on line rows + 2, column 4 (after "bad"), far beyond the first segment.
  const auto file = write_file("bad_utf8.csv", "bad\xC3(,g1,u1,1,2,3\n");
  score_file_options options;
  options.threads = 4;
  options.segment_bytes = 4096;
  const auto totals = score_file(plan, file, options);
  ASSERT_FALSE(totals.has_value());
  ASSERT_EQ(totals.diagnostics().size(), 1U);
  const diagnostic& d = totals.diagnostics()[0];
  EXPECT_EQ(d.code, errc::invalid_utf8);
  EXPECT_EQ(d.where.line, rows + 2);
  EXPECT_EQ(d.where.column, 4);
}

}  // namespace
