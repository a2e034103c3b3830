// Streaming CSV reader (RFC 4180: quoted fields, doubled quotes, embedded newlines, CRLF, UTF-8
// with or without a BOM). Reads a fixed-size chunk at a time, so memory does not grow with the
// file, and yields response batches of a fixed number of rows. Compiled in src/data/csv_reader.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "qscore/core/diagnostic.hpp"
#include "qscore/data/id_fingerprints.hpp"
#include "qscore/data/numeric_id_bitmap.hpp"
#include "qscore/data/respondent_ids.hpp"
#include "qscore/data/response_batch.hpp"
#include "qscore/plan/scoring_plan.hpp"

namespace qscore {

// Bytes read from a file at a time unless asked otherwise. Every thread of a run holds one such
// chunk (segments, pipeline.hpp): 16 threads scoring the 10M bench pool peaked at 76-79 MB with
// 256 KiB chunks and 93-94 MB with 1 MiB ones, which were no faster on one or two threads
// (bench/RESULTS.md, eighth round).
inline constexpr std::size_t default_chunk_bytes = std::size_t{256} << 10;

struct csv_options {
  std::size_t chunk_bytes = default_chunk_bytes;   // bytes read from the file at a time
  Eigen::Index batch_rows = default_batch_rows;    // rows handed out per batch (the last may be short)
  // Double the batch, up to spread_batch_rows (or batch_rows, if larger), after each full batch
  // whose rows are spread over many cells (fewer than two rows per unit and group): a survey of
  // thousands of stores or courses. The tally visits each unit and cell a batch names once
  // per batch, so in larger batches it visits them for more rows at a time: 4M rows over
  // 5,000 units took 9 % less time (bench/RESULTS.md). Off: every batch has batch_rows rows.
  // Results do not depend on the batch size.
  bool grow_spread_batches = true;
  char delimiter = ',';
  // The file's encoding. UTF-8 input is validated (invalid bytes: F106, naming the line, column
  // and byte offset); GB18030 (and GBK, its subset) is decoded to UTF-8 with iconv as it is read
  // (undecodable bytes: F107). Nothing is ever guessed: other encodings must be named.
  enum class text_encoding : std::uint8_t { utf8, gb18030 };
  text_encoding encoding = text_encoding::utf8;
  // A quoted field may span at most this many line breaks. Past that the quote is taken as
  // never closed: the row that opened it is rejected (R207) and reading resumes on the next
  // physical line, so a stray quote cannot swallow the rest of the file.
  std::int64_t max_quoted_lines = 100;
  // A record (all its physical lines) longer than this is rejected (R210) and skipped without
  // being buffered whole.
  std::size_t max_record_bytes = std::size_t{1} << 20;
  // Keep each rejected row's raw bytes (row_rejection::raw), for a rejects file.
  bool keep_rejected_raw = false;
  // Reject (R208) a row whose respondent id (the layout's respondent column, trimmed, compared
  // byte for byte) was already given by an earlier row that was taken in (scored or void). The
  // id is checked after the row's values, so a row with a bad value keeps that reason and
  // claims no id. An empty id is never a duplicate. Off: --allow-duplicate-ids.
  bool reject_duplicate_ids = true;
  // For score_file, which reads a file in parts: ids taken in by the parts before this one
  // (not owned; null = none), and whether to keep the hash of every id this reader takes in,
  // in row order (claimed_ids()).
  const respondent_id_set* earlier_ids = nullptr;
  bool record_ids = false;
  // With record_ids: reject no duplicate here, only record every id; the caller checks the
  // recorded ids afterwards (score_file does, and reads the file again with the row-by-row
  // check when it finds a repeat).
  bool defer_duplicate_ids = false;
  // With defer_duplicate_ids: ids written as plain numbers are marked here instead of recorded
  // (not owned; null = record every id). See numeric_id_bitmap.hpp. The reader's last marks
  // reach the bitmap when the reader is destroyed.
  numeric_id_bitmap* numeric_ids = nullptr;
  // Check only the ids that may repeat (not owned; null = check every id): score_file's second
  // reading, once the first has found which id fingerprints repeat. The others are taken in
  // without being checked or recorded.
  const repeated_fingerprints* suspect_ids = nullptr;
  // Decode runs of one-byte answer cells up to 32 at a time (each row's codes into a row-major
  // stage, moved into the batch 64 rows at a time), and check plain ASCII text for UTF-8 128
  // bytes at a time, with AVX-512 (VBMI2) where the processor has it. The codes and the errors
  // are the same either way; off, the fast path takes four cells a word, stores each code in
  // the batch itself, and checks 32 bytes a step (for tests and comparisons).
  bool wide_cells = true;
};

// A byte range of a file: the records that START at offsets in [begin, end). Consecutive ranges
// cover every record once, which is how score_file splits a file between threads. A range that
// starts inside the file finds its first record at the first line end at or after begin - 1,
// which is only right when no quoted field spans that point. A record is read by the range it
// starts in, to its end, so the range before such a cut reads the whole quoted field and sees
// its line break: readers report saw_quoted_line_break(), and score_file reads a file in which
// one is seen in one piece. Quoted fields without line breaks (ids and labels that R's
// write.csv or a spreadsheet quotes) leave every line end a record end, and the file splits.
struct csv_range {
  std::uint64_t begin = 0;
  std::uint64_t end = std::numeric_limits<std::uint64_t>::max();
};

class csv_reader {
 public:
  // Opens the file and reads its header. File-level problems (cannot open, UTF-16, empty file,
  // a column the definition needs is missing, a header name given twice) fail here, each with a
  // diagnostic naming the file and, where there is one, the line and column.
  [[nodiscard]] static result<csv_reader> open(const std::filesystem::path& file,
                                               const scoring_plan& plan, csv_options options = {});
  // The same for the records of one byte range (the header is always read from the start).
  // Line numbers in a range that starts after the header count from 1 at its first record.
  [[nodiscard]] static result<csv_reader> open(const std::filesystem::path& file,
                                               const scoring_plan& plan, csv_options options,
                                               csv_range range);
  // The same over text in memory; `name` stands for the file name in messages.
  [[nodiscard]] static result<csv_reader> from_string(std::string text, std::string name,
                                                      const scoring_plan& plan,
                                                      csv_options options = {});

  csv_reader(csv_reader&&) noexcept;
  csv_reader& operator=(csv_reader&&) noexcept;
  ~csv_reader();

  // Fills `out` with the next batch: up to batch_rows accepted rows, plus the rows rejected on
  // the way (each with its line, column, value and what was expected). Returns false once the
  // input is exhausted and nothing was left to return. A read error after opening stops the
  // stream and is reported by errors().
  bool next(response_batch& out);
  // Rows handed out per batch from the next batch on (csv_options::batch_rows; at least 1).
  // Results do not depend on it. next() calls it itself to grow batches whose rows spread over
  // many cells (csv_options::grow_spread_batches).
  void set_batch_rows(Eigen::Index rows);

  // Data rows read so far (blank lines are not rows).
  [[nodiscard]] std::int64_t rows_read() const;
  // Physical lines consumed so far (the header included, for a reader that starts at the top).
  [[nodiscard]] std::int64_t lines_read() const;
  // Whether a quoted field held a line break (or an unclosed quote ran past one): a file cut
  // at a line end may then have been cut inside a record (see csv_range).
  [[nodiscard]] bool saw_quoted_line_break() const;
  // Whether byte ranges can be read at all: a file (not text in memory) whose header ends in LF.
  [[nodiscard]] bool splittable() const;
  // Problems that stopped the stream after it was opened (e.g. an I/O error).
  [[nodiscard]] const std::vector<diagnostic>& errors() const;
  [[nodiscard]] const std::string& name() const;
  // The hash of each respondent id taken in so far, in row order (only with
  // csv_options::record_ids; not the ids marked in csv_options::numeric_ids instead).
  [[nodiscard]] const std::vector<std::uint64_t>& claimed_ids() const;
  // Moves the ids recorded so far into `into` (its old contents dropped, its room reused for
  // the next ones): for a caller that takes them in pieces while the reader goes on.
  void take_claimed_ids(std::vector<std::uint64_t>& into);

 private:
  struct impl;
  explicit csv_reader(std::unique_ptr<impl> state);
  std::unique_ptr<impl> impl_;
};

}  // namespace qscore
