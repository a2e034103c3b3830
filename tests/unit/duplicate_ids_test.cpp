// Duplicate respondent ids (R208): the second and later rows repeating an id that an earlier row
// took in are rejected, at the same lines whatever the thread count, segment size or batch size
// -- including a pair on either side of a segment boundary and pairs many segments apart. score_file
// first records the ids and looks for a repeat at the end (id_fingerprints); finding one, it reads
// the file again checking row by row, where such pairs are found only when segments merge (and
// the later segment is scored again).
#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "qscore/data/csv_reader.hpp"
#include "qscore/data/id_fingerprint_store.hpp"
#include "qscore/data/id_fingerprints.hpp"
#include "qscore/data/numeric_id_bitmap.hpp"
#include "qscore/data/respondent_ids.hpp"
#include "qscore/io/write_json.hpp"
#include "qscore/pipeline.hpp"
#include "qscore/report/finalize.hpp"
#include "support/every_text.hpp"
#include "support/small_appraisal.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace qscore;

constexpr int rows = 3000;
constexpr std::uint64_t segment = 4096;
constexpr std::uint64_t boundary = 5 * segment;  // the start of segment 5

struct built {
  std::filesystem::path path;
  std::vector<std::pair<std::int64_t, errc>> rejected;  // expected, in file order
};

// Row r sits on line r + 2 and normally has id "r<r>" (with prefix "r"; with prefix "" the ids
// are plain numbers, which score_file checks through numeric_id_bitmap), all values good. The
// exceptions, each worked out from this construction:
//   r = 1500, 1501 (lines 1502, 1503): id r5, first given on line 7 -> R208, R208
//   the first row starting at or after byte 20480 (segment 5) repeats the id of the row before
//     it, which sits in segment 4 -> R208 at its line
//   r = 2500 (line 2502): id r10 again, but q1 = 9 -> R204 (the bad value is the reason)
//   r = 2600, 2601: empty ids -> scored (an empty id is no id)
//   r = 2800 (line 2802): id " r20 " -> trimmed to r20, line 22 -> R208
//   r = 2700 (line 2702): id r030, not r30 (line 32): scored ("030" is no plain number, and
//     not the id "30")
//   r = 2900, 2901 (lines 2902, 2903): id r99999999999 twice -> R208 at line 2903 (beyond any
//     bitmap: a plain number that takes the fingerprint path)
//   r = 2950, 2951 (lines 2952, 2953): id r0031 twice -> R208 at line 2953 (with prefix "",
//     a repeat the bitmap must leave to the fingerprints: were "0031" taken for the number 31,
//     the second reading would look for the id "31" alone)
built write_file(const std::string& name, const std::string& prefix = "r") {
  built out;
  const auto dir = qscore::test_support::temp_dir("qscore_duplicate_ids_test");
  out.path = dir / name;
  std::string text = "respondent_id,group,unit,q1,q2,q3\n";
  bool boundary_pair = false;
  for (int r = 0; r < rows; ++r) {
    const std::int64_t line = r + 2;
    std::string id = prefix + std::to_string(r);
    std::string q1 = std::to_string(1 + r % 3);
    if (r == 1500 || r == 1501) {
      id = prefix + "5";
      out.rejected.emplace_back(line, errc::duplicate_respondent);
    } else if (!boundary_pair && text.size() >= boundary) {
      boundary_pair = true;
      id = prefix + std::to_string(r - 1);
      out.rejected.emplace_back(line, errc::duplicate_respondent);
    } else if (r == 2500) {
      id = prefix + "10";
      q1 = "9";
      out.rejected.emplace_back(line, errc::invalid_code);
    } else if (r == 2600 || r == 2601) {
      id.clear();
    } else if (r == 2800) {
      id = " " + prefix + "20 ";
      out.rejected.emplace_back(line, errc::duplicate_respondent);
    } else if (r == 2700) {
      id = prefix + "030";
    } else if (r == 2900 || r == 2901) {
      id = prefix + "99999999999";
      if (r == 2901) out.rejected.emplace_back(line, errc::duplicate_respondent);
    } else if (r == 2950 || r == 2951) {
      id = prefix + "0031";
      if (r == 2951) out.rejected.emplace_back(line, errc::duplicate_respondent);
    }
    text += id + ",g" + std::to_string(1 + r % 2) + ",u" + std::to_string(1 + r % 3) + "," + q1 +
            "," + std::to_string(1 + (r / 3) % 3) + "," + (r % 5 == 0 ? "" : "2") + "\n";
  }
  std::sort(out.rejected.begin(), out.rejected.end());
  std::ofstream(out.path, std::ios::binary) << text;
  return out;
}

struct run {
  std::string json;
  std::vector<std::pair<std::int64_t, errc>> rejected;
  report result;
  int passes = 0;  // times the file was read: progress starting again from fewer rows is a new pass
};

run score(const scoring_plan& plan, const std::filesystem::path& file, unsigned threads,
          std::uint64_t segment_bytes, bool check = true, Eigen::Index batch_rows = 4096,
          std::size_t id_memory_bytes = id_fingerprint_store::default_memory_bytes,
          const std::filesystem::path& id_spill_directory = {}) {
  run out;
  score_file_options options;
  options.id_memory_bytes = id_memory_bytes;
  options.id_spill_directory = id_spill_directory;
  options.threads = threads;
  options.segment_bytes = segment_bytes;
  options.csv.batch_rows = batch_rows;
  options.csv.reject_duplicate_ids = check;
  options.on_rejected = [&out](const row_rejection& r) { out.rejected.emplace_back(r.line, r.code); };
  std::int64_t last_rows = std::numeric_limits<std::int64_t>::max();
  options.on_progress = [&out, &last_rows](std::int64_t rows_read) {
    if (rows_read <= last_rows) ++out.passes;
    last_rows = rows_read;
  };
  out.result = finalize(plan, score_file(plan, file, options).value());
  std::ostringstream json;
  write_json(json, out.result);
  out.json = json.str();
  return out;
}

void expect_rejected_at_the_same_lines(const std::string& prefix) {
  SCOPED_TRACE("ids '" + prefix + "<row>'");
  const scoring_plan plan = compile(fixtures::small_appraisal()).value();
  const built file = write_file("dups" + prefix + ".csv", prefix);
  ASSERT_EQ(file.rejected.size(), 7U);  // the boundary pair was placed
  ASSERT_GT(file.rejected[0].first, 7);

  const run one = score(plan, file.path, 1, segment);
  EXPECT_EQ(one.passes, 2);  // the recorded ids held a repeat: read again, checked row by row
  EXPECT_EQ(one.rejected, file.rejected);
  EXPECT_EQ(one.result.accounting.rows_read, rows);
  EXPECT_EQ(one.result.accounting.rejected, 7);
  EXPECT_EQ(one.result.accounting.scored + one.result.accounting.void_ballots, rows - 7);
  EXPECT_TRUE(one.result.accounting.reconciles());
  // At 16 threads the workers count the first reading's score keys (shared_score_counts.hpp),
  // which go with it when the repeat sends the file through again.
  for (const unsigned threads : {3U, 8U, 16U}) {
    const run many = score(plan, file.path, threads, segment);
    EXPECT_EQ(many.json, one.json) << threads << " threads";
    EXPECT_EQ(many.rejected, file.rejected) << threads << " threads";
  }
  // Batches of 7 rows: the same lines again.
  EXPECT_EQ(score(plan, file.path, 3, segment, true, 7).json, one.json);
  // Read in one piece (a single segment): the ids recorded, a repeat found, read again: the
  // same rows rejected, each once; also with the fingerprints in a file (a budget of 0 bytes).
  const run whole = score(plan, file.path, 1, std::uint64_t{1} << 40);
  EXPECT_EQ(whole.passes, 2);
  EXPECT_EQ(whole.rejected, file.rejected);
  EXPECT_EQ(whole.result.accounting.scored, one.result.accounting.scored);
  const run whole_spilled = score(plan, file.path, 1, std::uint64_t{1} << 40, true, 4096, 0);
  EXPECT_EQ(whole_spilled.rejected, file.rejected);
  EXPECT_EQ(whole_spilled.json, whole.json);
  // A budget of 64 bytes: plain-number ids 0..511 go to the bitmap, the rest to fingerprints
  // (written to a file at once), so that the repeats of row 1500 (bitmap) and of the boundary
  // pair (fingerprints) are found by different paths in one run.
  for (const unsigned threads : {1U, 3U}) {
    const run mixed = score(plan, file.path, threads, segment, true, 4096, 64);
    EXPECT_EQ(mixed.rejected, file.rejected) << threads << " threads";
    EXPECT_EQ(mixed.json, one.json) << threads << " threads";
    EXPECT_EQ(score(plan, file.path, threads, std::uint64_t{1} << 40, true, 4096, 64).rejected, file.rejected);
  }
}

TEST(duplicate_ids, rejected_at_the_same_lines_for_any_thread_count_and_segment_size) {
  expect_rejected_at_the_same_lines("r");
}

TEST(duplicate_ids, ids_written_as_numbers_rejected_at_the_same_lines) { expect_rejected_at_the_same_lines(""); }

TEST(duplicate_ids, ids_beyond_the_memory_budget_go_to_a_file_and_find_the_same_rows) {
  const scoring_plan plan = compile(fixtures::small_appraisal()).value();
  const built file = write_file("dups_spilled.csv");
  const run in_memory = score(plan, file.path, 3, segment);
  const auto spill = qscore::test_support::temp_dir("qscore_duplicate_ids_test") / "spill";
  std::filesystem::create_directories(spill);
  // A budget of 0 bytes: every segment's fingerprints are written out as soon as they arrive.
  for (const unsigned threads : {1U, 3U}) {
    const run spilled = score(plan, file.path, threads, segment, true, 4096, 0, spill);
    EXPECT_EQ(spilled.rejected, file.rejected) << threads << " threads";
    EXPECT_EQ(spilled.json, in_memory.json) << threads << " threads";
    EXPECT_EQ(spilled.passes, 2);
  }
  // The file was unlinked when made: nothing is left behind.
  EXPECT_TRUE(std::filesystem::is_empty(spill));
  // A folder that cannot take the file: the fingerprints stay in memory, the answer is the same.
  const run unwritable = score(plan, file.path, 3, segment, true, 4096, 0, spill / "missing");
  EXPECT_EQ(unwritable.rejected, file.rejected);
  EXPECT_EQ(unwritable.json, in_memory.json);
}

TEST(duplicate_ids, the_check_can_be_turned_off) {
  const scoring_plan plan = compile(fixtures::small_appraisal()).value();
  const built file = write_file("dups_off.csv");
  const run off = score(plan, file.path, 3, segment, false);
  // Only the bad value remains.
  const std::vector<std::pair<std::int64_t, errc>> expected = {{2502, errc::invalid_code}};
  EXPECT_EQ(off.rejected, expected);
  EXPECT_EQ(off.result.accounting.scored + off.result.accounting.void_ballots, rows - 1);
}

TEST(duplicate_ids, reader_checks_across_batches_and_names_the_id) {
  const scoring_plan plan = compile(fixtures::small_appraisal()).value();
  csv_options options;
  options.batch_rows = 1;
  auto reader = csv_reader::from_string(
      "respondent_id,group,unit,q1,q2,q3\n"
      "a,g1,u1,1,1,1\n"
      "b,g1,u1,1,1,1\n"
      "a,g2,u2,2,2,2\n",  // line 4: repeats line 2
      "mem.csv", plan, options);
  ASSERT_TRUE(reader.has_value());
  std::vector<row_rejection> rejected;
  response_batch batch;
  Eigen::Index taken = 0;
  while (reader->next(batch)) {
    taken += batch.rows();
    for (auto& r : batch.rejected) rejected.push_back(r);
  }
  EXPECT_EQ(taken, 2);
  ASSERT_EQ(rejected.size(), 1U);
  EXPECT_EQ(rejected[0].line, 4);
  EXPECT_EQ(rejected[0].code, errc::duplicate_respondent);
  EXPECT_EQ(rejected[0].column, "respondent_id");
  EXPECT_EQ(rejected[0].value, "a");
  EXPECT_EQ(rejected[0].unit, 1);  // u2, known: the row's values were good
  EXPECT_NE(rejected[0].message().find("respondent id 'a' already given on an earlier row"),
            std::string::npos);
}

TEST(duplicate_ids, a_file_without_duplicates_scores_as_with_the_check_off) {
  // The deferred check finds no repeat and the file is read once; the report is the one the
  // unchecked run gives (same rows, same order, same sums).
  const scoring_plan plan = compile(fixtures::small_appraisal()).value();
  const auto dir = qscore::test_support::temp_dir("qscore_duplicate_ids_test");
  const auto path = dir / "unique.csv";
  {
    std::ofstream out(path, std::ios::binary);
    out << "respondent_id,group,unit,q1,q2,q3\n";
    for (int r = 0; r < rows; ++r)
      out << "r" << r << ",g" << 1 + r % 2 << ",u" << 1 + r % 3 << "," << 1 + r % 3 << "," << 1 + (r / 3) % 3
          << ",2\n";
  }
  const run checked = score(plan, path, 3, segment);
  const run unchecked = score(plan, path, 3, segment, false);
  EXPECT_TRUE(checked.rejected.empty());
  EXPECT_EQ(checked.passes, 1);  // no repeat among the recorded ids: read once
  EXPECT_EQ(checked.result.accounting.rows_read, rows);
  EXPECT_EQ(checked.json, unchecked.json);
  // In one piece, the same.
  const run whole = score(plan, path, 1, std::uint64_t{1} << 40);
  EXPECT_EQ(whole.passes, 1);
  EXPECT_EQ(whole.json, score(plan, path, 1, std::uint64_t{1} << 40, false).json);
}

// Hashes built bit by bit: bucket = the top 12 bits, then bits 48..51 (not kept), then the 48
// stored bits.
std::uint64_t hash_of(std::uint64_t bucket, std::uint64_t dropped, std::uint64_t stored) {
  return (bucket << 52) | (dropped << 48) | stored;
}

// A hash's fingerprint as the layout above defines it: everything but bits 48..51.
std::uint64_t kept_bits(std::uint64_t h) { return h & ~(std::uint64_t{0xF} << 48); }

TEST(id_fingerprints, finds_a_repeat_within_a_part_or_across_parts) {
  std::vector<std::vector<std::uint64_t>> hashes(5);
  for (int i = 0; i < 50000; ++i) hashes[static_cast<std::size_t>(i % 5)].push_back(respondent_id_set::hash("id" + std::to_string(i)));
  auto fingerprint = [](const std::vector<std::vector<std::uint64_t>>& parts) {
    std::vector<id_fingerprints> out;
    for (const auto& p : parts) out.emplace_back(p);
    out.emplace_back();  // a part with no ids
    return out;
  };
  const auto distinct = fingerprint(hashes);
  EXPECT_TRUE(id_fingerprints::repeated(distinct).empty());
  EXPECT_EQ(distinct[0].size(), 10000U);
  // 6 bytes per id, plus 4,097 bucket starts of 4 bytes.
  EXPECT_EQ(distinct[0].bytes(), 10000U * 6U + 4097U * 4U);

  auto within = hashes;
  within[2].push_back(within[2][17]);
  EXPECT_EQ(id_fingerprints::repeated(fingerprint(within)),
            std::vector<std::uint64_t>{kept_bits(within[2][17])});
  auto across = hashes;
  across[4].push_back(across[0][9999]);
  EXPECT_EQ(id_fingerprints::repeated(fingerprint(across)),
            std::vector<std::uint64_t>{kept_bits(across[0][9999])});
  // Two ids repeated, one of them three times: each fingerprint once, in ascending order.
  auto several = hashes;
  several[1].push_back(several[3][5]);
  several[2].push_back(several[3][5]);
  several[0].push_back(several[4][6]);
  std::vector<std::uint64_t> expected = {kept_bits(several[3][5]),
                                         kept_bits(several[4][6])};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(id_fingerprints::repeated(fingerprint(several)), expected);
  // Threads take runs of buckets: the same list for any number of them.
  for (const unsigned threads : {2U, 3U, 7U, 4096U})
    EXPECT_EQ(id_fingerprints::repeated(fingerprint(several), threads), expected) << threads << " threads";
}

TEST(id_fingerprint_store, finds_what_the_parts_in_memory_find_with_any_of_them_in_a_file) {
  // Five parts of 10,000 ids (plus a repeat in three of them), two ids repeated as in the test
  // above: one across three parts, one across two. A part takes 10,000 x 6 + 4,097 x 4 = 76,388
  // bytes (76,394 with the repeat).
  std::vector<std::vector<std::uint64_t>> hashes(5);
  for (int i = 0; i < 50000; ++i) hashes[static_cast<std::size_t>(i % 5)].push_back(respondent_id_set::hash("id" + std::to_string(i)));
  hashes[1].push_back(hashes[3][5]);
  hashes[2].push_back(hashes[3][5]);
  hashes[0].push_back(hashes[4][6]);
  std::vector<std::uint64_t> expected = {kept_bits(hashes[3][5]), kept_bits(hashes[4][6])};
  std::sort(expected.begin(), expected.end());
  const auto spill = qscore::test_support::temp_dir("qscore_duplicate_ids_test") / "store";
  std::filesystem::create_directories(spill);

  struct budget {
    std::size_t bytes;
    std::size_t runs;  // written out: each time the parts held pass the budget
  };
  // 0 bytes: every part on its own. 100,000 bytes: parts 1+2 (152,788 bytes) pass it, then 3+4;
  // part 5 stays in memory. 1 GB: nothing written.
  // The look reads back at least a megabyte a thread at a time, which holds all 300,018 bytes
  // here; a floor of 0 makes it go through as many chunks as the budget asks for (one bucket
  // at a time for a budget of 0).
  for (const std::size_t floor : {std::size_t{0}, id_fingerprint_store::default_min_chunk_bytes}) {
    for (const budget b : {budget{0, 5}, budget{100000, 2}, budget{std::size_t{1} << 30, 0}}) {
      id_fingerprint_store store(b.bytes, spill, floor);
      for (const auto& part : hashes) store.add(id_fingerprints(part));
      store.add(id_fingerprints());  // a part with no ids
      EXPECT_EQ(store.size(), 50003U);
      EXPECT_EQ(store.runs_written(), b.runs) << b.bytes;
      EXPECT_FALSE(store.spill_failed());
      if (b.bytes == 0) {
        EXPECT_EQ(store.memory_bytes(), 0U);
      }
      for (const unsigned threads : {1U, 2U, 3U, 7U})
        EXPECT_EQ(store.repeated(threads), expected) << b.bytes << " bytes, " << threads << " threads, floor " << floor;
    }
  }
  // Without a repeat: nothing found, also from the file.
  id_fingerprint_store distinct(0, spill);
  for (int p = 0; p < 5; ++p) distinct.add(id_fingerprints(std::vector<std::uint64_t>(hashes[static_cast<std::size_t>(p)].begin(), hashes[static_cast<std::size_t>(p)].begin() + 10000)));
  EXPECT_EQ(distinct.repeated(2), std::vector<std::uint64_t>{});
  EXPECT_TRUE(std::filesystem::is_empty(spill));  // unlinked as soon as made
}

TEST(id_fingerprint_store, keeps_the_parts_in_memory_when_no_file_can_be_made) {
  const std::vector<std::uint64_t> once = {hash_of(1, 0, 7), hash_of(2, 0, 7)};
  const std::vector<std::uint64_t> again = {hash_of(2, 0, 7)};
  id_fingerprint_store store(0, qscore::test_support::temp_dir("qscore_duplicate_ids_test") / "no such folder");
  store.add(id_fingerprints(once));
  store.add(id_fingerprints(again));
  EXPECT_TRUE(store.spill_failed());
  EXPECT_EQ(store.runs_written(), 0U);
  // Two parts: 3 fingerprints of 6 bytes, 2 x 4,097 bucket starts of 4 bytes.
  EXPECT_EQ(store.memory_bytes(), 3U * 6U + 2U * 4097U * 4U);
  EXPECT_EQ(store.repeated(), std::vector<std::uint64_t>{hash_of(2, 0, 7)});
}

TEST(id_fingerprints, a_second_reading_checks_only_the_ids_whose_fingerprint_repeats) {
  const std::uint64_t h = hash_of(0xABC, 0x5, 0x123456789ABCULL);
  const std::uint64_t zero = hash_of(0, 0x3, 0);  // its fingerprint is 0, which the set must hold
  EXPECT_EQ(id_fingerprints::fingerprint(h), hash_of(0xABC, 0, 0x123456789ABCULL));
  const repeated_fingerprints suspects({kept_bits(h), kept_bits(zero)});
  EXPECT_EQ(suspects.size(), 2U);
  EXPECT_TRUE(suspects.may_repeat(h));
  EXPECT_TRUE(suspects.may_repeat(hash_of(0xABC, 0xA, 0x123456789ABCULL)));  // bits 48..51 not kept
  EXPECT_TRUE(suspects.may_repeat(zero));
  EXPECT_TRUE(suspects.may_repeat(hash_of(0, 0xF, 0)));
  EXPECT_FALSE(suspects.may_repeat(hash_of(0xABD, 0x5, 0x123456789ABCULL)));
  EXPECT_FALSE(suspects.may_repeat(hash_of(0xABC, 0x5, 0x123456789ABDULL)));
  EXPECT_FALSE(suspects.may_repeat(hash_of(0, 0, 1)));
}

TEST(id_fingerprints, compares_the_bucket_and_the_48_stored_bits) {
  auto repeated = [](std::uint64_t a, std::uint64_t b) {
    return !id_fingerprints::repeated({id_fingerprints({a}), id_fingerprints({b})}).empty();
  };
  const std::uint64_t h = hash_of(0xABC, 0x5, 0x123456789ABCULL);
  EXPECT_FALSE(repeated(h, hash_of(0xABD, 0x5, 0x123456789ABCULL)));  // another bucket
  EXPECT_FALSE(repeated(h, hash_of(0xABC, 0x5, 0x123456789ABDULL)));  // bit 0
  EXPECT_FALSE(repeated(h, hash_of(0xABC, 0x5, 0x923456789ABCULL)));  // bit 47
  // Differing only in the 4 bits not kept: a suspected repeat, which score_file settles by
  // checking row by row with the full 64-bit hashes.
  EXPECT_TRUE(repeated(h, hash_of(0xABC, 0xA, 0x123456789ABCULL)));
  EXPECT_TRUE(repeated(h, h));
}

TEST(duplicate_ids, hash_set_grows_and_finds_what_it_holds) {
  respondent_id_set set;
  for (int i = 0; i < 100000; ++i) EXPECT_TRUE(set.insert(respondent_id_set::hash("id" + std::to_string(i))));
  EXPECT_EQ(set.size(), 100000U);
  // 100000 > 0.75 * 131072, so the table doubled to 262144 slots of 8 bytes.
  EXPECT_EQ(set.bytes(), 262144U * 8U);
  for (int i = 0; i < 100000; ++i) EXPECT_FALSE(set.insert(respondent_id_set::hash("id" + std::to_string(i))));
  EXPECT_FALSE(set.contains(respondent_id_set::hash("id100000")));
  EXPECT_NE(respondent_id_set::hash("r1"), respondent_id_set::hash("R1"));
  EXPECT_NE(respondent_id_set::hash(""), 0U);
}

// The fingerprint of the id written as `text`: what a second reading looks for.
std::uint64_t fingerprint_of(const std::string& text) {
  return id_fingerprints::fingerprint(respondent_id_set::hash(text));
}

TEST(numeric_id_bitmap, takes_only_plain_numbers_below_its_capacity) {
  const numeric_id_bitmap bits(8);  // one 64-bit word: the numbers 0..63
  EXPECT_EQ(bits.capacity(), 64U);
  EXPECT_EQ(bits.number_of("0"), 0U);
  EXPECT_EQ(bits.number_of("7"), 7U);
  EXPECT_EQ(bits.number_of("63"), 63U);
  // Not numbers in canonical form: each would stand for a number another id stands for ("007"
  // and "7" are two ids), or for none.
  for (const char* other : {"64", "007", "00", "-1", "+1", "1.0", "1e3", "12a", "a12", " 1", "", "١"})
    EXPECT_EQ(bits.number_of(other), numeric_id_bitmap::none) << "'" << other << "'";
  // 18 digits read without overflow (then fail the capacity); 19 are not read at all.
  EXPECT_EQ(numeric_id_bitmap(8).number_of("999999999999999999"), numeric_id_bitmap::none);
  EXPECT_EQ(numeric_id_bitmap(8).number_of("1000000000000000000"), numeric_id_bitmap::none);
  // No room: every id is left to the fingerprints. Bytes short of a word count for nothing.
  EXPECT_EQ(numeric_id_bitmap(0).number_of("0"), numeric_id_bitmap::none);
  EXPECT_EQ(numeric_id_bitmap(12).capacity(), 64U);
  EXPECT_EQ(numeric_id_bitmap(std::size_t{1} << 20).number_of("8388607"), 8388607U);  // 2^23 - 1
  // A budget past max_bytes (1 GB) still maps 1 GB: numbers below 2^33 (8,589,934,592).
  const numeric_id_bitmap huge(std::size_t{1} << 40);
  EXPECT_EQ(huge.capacity(), std::uint64_t{1} << 33);
  EXPECT_EQ(huge.number_of("8589934591"), 8589934591U);
  EXPECT_EQ(huge.number_of("8589934592"), numeric_id_bitmap::none);
}

// Ids of up to eight bytes are read a word at a time (detail/swar_digits.hpp), longer ones
// digit by digit. Every id of up to five bytes over digits, their byte neighbours ('/', ':'),
// a letter, a space, NUL and 0xFF, and every length from 1 to 10 of a few digit patterns,
// against a plain reading: digits only, no leading zero unless "0", the value by std::from_chars
// and below the capacity.
TEST(numeric_id_bitmap, ids_of_up_to_eight_bytes_read_a_word_at_a_time_as_digit_by_digit) {
  const numeric_id_bitmap bits(std::size_t{1} << 30);  // numbers below 2^33: any of 1..9 digits
  const auto plain = [](const std::string& id) -> std::uint64_t {
    if (id.empty() || (id[0] == '0' && id.size() > 1)) return numeric_id_bitmap::none;
    for (const char c : id)
      if (c < '0' || c > '9') return numeric_id_bitmap::none;
    std::uint64_t value = 0;
    std::from_chars(id.data(), id.data() + id.size(), value);
    return value < (std::uint64_t{1} << 33) ? value : numeric_id_bitmap::none;
  };
  qscore::test::for_every_text(std::string_view("0179/:a \x00\xFF", 10), 5, [&](std::string_view id) {
    EXPECT_EQ(bits.number_of(id), plain(std::string(id))) << "'" << id << "'";
    return bits.number_of(id) == plain(std::string(id));
  });
  for (const std::string pattern : {"9999999999", "1234567890", "1000000000", "8000000001", "12345678x0", "1234567/90"})
    for (std::size_t length = 1; length <= pattern.size(); ++length) {
      const std::string prefix = pattern.substr(0, length);
      EXPECT_EQ(bits.number_of(prefix), plain(prefix)) << "'" << prefix << "'";
    }
  EXPECT_EQ(bits.number_of("99999999"), 99999999U);  // eight bytes, the largest
  EXPECT_EQ(bits.number_of("123456789"), 123456789U);  // nine: digit by digit
}

TEST(numeric_id_bitmap, lists_the_numbers_claimed_twice_as_their_ids_fingerprints) {
  numeric_id_bitmap bits(16);  // numbers 0..127, in two words
  {
    numeric_id_bitmap::claimer claims(bits);
    // 5 three times: twice within the claimer's word, once after it moved to word 1 and back.
    // 64 twice, with 127 between (one word). 9, 127 and 0 once.
    for (const std::uint64_t n : {5U, 9U, 5U, 127U, 64U, 5U, 64U, 0U}) claims.claim(n);
  }  // the last word reaches the bitmap here
  {
    // Two claimers of one word: 33 is a repeat only once both have published.
    numeric_id_bitmap::claimer first(bits), second(bits);
    first.claim(33);
    second.claim(33);
    second.claim(34);
    first.flush();
  }
  std::vector<std::uint64_t> expected = {fingerprint_of("5"), fingerprint_of("64"), fingerprint_of("33")};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(bits.repeated_fingerprints(), expected);
  EXPECT_TRUE(numeric_id_bitmap(16).repeated_fingerprints().empty());
}

TEST(numeric_id_bitmap, claims_from_several_threads_find_exactly_the_overlap) {
  // Thread t claims [1000 t, 1000 t + 2000): the numbers 1000..3999 are claimed by two threads,
  // 0..999 and 4000..4999 by one. Many of the overlap's words are published by two threads at
  // once.
  numeric_id_bitmap bits(1024);  // 0..8191
  std::vector<std::thread> threads;
  for (std::uint64_t t = 0; t < 4; ++t)
    threads.emplace_back([&bits, t] {
      numeric_id_bitmap::claimer claims(bits);
      for (std::uint64_t n = 1000 * t; n < 1000 * t + 2000; ++n) claims.claim(n);
    });
  for (auto& thread : threads) thread.join();
  std::vector<std::uint64_t> expected;
  for (int n = 1000; n < 4000; ++n) expected.push_back(fingerprint_of(std::to_string(n)));
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(bits.repeated_fingerprints(), expected);
}

}  // namespace
