// The whole path for one responses file: read (streamed, in batches) -> score -> tally, on
// several threads. A convenience over the stage functions; programs with their own data source
// call those directly (see examples/).
//
// How the work is cut, and why the result does not depend on the thread count
// --------------------------------------------------------------------------
// The file is cut into segments of `segment_bytes`: segment k holds the records that start at
// byte offsets [k * segment_bytes, (k + 1) * segment_bytes). The cut depends on the file alone.
// Each segment is read, scored and tallied on its own (its own fixed row blocks), and the
// segment tallies are merged in segment order. Threads only decide who works on which segment,
// so 1, 2 or 16 threads give bit-identical tallies; so do any batch_rows and chunk_bytes.
// At most threads + 2 segments are in flight, and merged segments are freed, so memory stays
// bounded whatever the file size (the duplicate-id fingerprints too: id_fingerprint_store).
//
// A segment boundary is found by looking for the next line end, which is only safe when no
// quoted field holds a line break. A segment reads its last record to its end, past the
// boundary, so the segment before a wrong cut always sees the quoted line break; merged in
// order, the first segment that reports one is reached before any segment that started at a
// wrong place. Then the file is read again in one piece, on one thread: the same answer
// whatever the thread count, again. (So are files whose header does not end in LF, and text
// that is not a file.) Quoted fields without line breaks, as R's write.csv and spreadsheets
// write ids and labels, do not stop a file from being split.
//
// Duplicate respondent ids (R208) need the rows before a segment. First, every segment just
// records its ids, and once all are merged the file's ids are looked over for a repeat
// (id_fingerprints.hpp; ids written as plain numbers are marked in a shared bitmap instead,
// numeric_id_bitmap.hpp): files without duplicates, the common case, are done. A file with one
// is read again, checked row by row, but only for the ids whose fingerprint repeats (the others
// were given once): each segment checks its own rows and keeps the hash of each such id it
// takes in; the merge, in segment order, adds them to one set for the file. A segment taking in
// an id that an earlier segment already took is scored again (rare) with those ids as seen
// before, so exactly the rows a single pass rejects are rejected, whatever the thread count.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include "qscore/detail/ordered_parallel.hpp"
#include <vector>

#include "qscore/core/diagnostic.hpp"
#include "qscore/data/csv_reader.hpp"
#include "qscore/data/id_fingerprint_store.hpp"
#include "qscore/data/id_fingerprints.hpp"
#include "qscore/data/numeric_id_bitmap.hpp"
#include "qscore/plan/scoring_plan.hpp"
#include "qscore/score/scorer.hpp"
#include "qscore/tally/shared_score_counts.hpp"
#include "qscore/tally/tally.hpp"

namespace qscore {

struct score_file_options {
  csv_options csv;
  unsigned threads = 0;                               // 0 = every hardware thread
  std::uint64_t segment_bytes = std::uint64_t{8} << 20;  // the unit of parallel work
  // Called from the calling thread with the rows read so far (for progress display); may be empty.
  std::function<void(std::int64_t rows_read)> on_progress;
  // Called from the calling thread with every rejected row, in file order (line numbers are
  // absolute); may be empty. Set csv.keep_rejected_raw to get each row's raw text as well.
  std::function<void(const row_rejection&)> on_rejected;
  // Memory for the duplicate-id check's fingerprints (6 bytes a respondent); beyond it they go
  // to an unlinked temporary file in `id_spill_directory` (empty: TMPDIR, else /tmp). See
  // id_fingerprint_store.hpp.
  std::size_t id_memory_bytes = id_fingerprint_store::default_memory_bytes;
  std::filesystem::path id_spill_directory;
  // Memory for the tallies the merge holds: the file's own, and those of finished segments that
  // wait for their turn (from three threads on, at least one always may wait). A tally's size
  // is set by the survey's shape: about 150 KB for the bench pool's 22 units, 7 MB for 1,000
  // units of 9 groups, 31 MB for 5,000, where 16 threads with their 18 waiting places held
  // 1.2-1.5 GB (bench/RESULTS.md, twenty-fourth round). 48 MiB: at two threads a survey of
  // 5,000 units keeps no segment waiting (40 MB less, no slower), one of 1,000 units one
  // (twenty-fifth round).
  std::size_t waiting_tally_bytes = std::size_t{48} << 20;
};

namespace detail {

// How many finished segments may wait for the merge, at `threads` threads, when a segment's
// tally takes `tally_bytes` (0: not known yet) and the merge's tallies may take `budget` bytes:
// the file's own (taken to be as large as a segment's) and the waiting ones.
// Merged in file order, one slow segment (a thread's first, faulting its buffers in, takes up
// to twice as long) holds every later one back: with two waiting places, 16 threads on a
// 16-core machine spent 11 % of their time waiting for a free one, 8 threads 11 % too
// (bench/RESULTS.md, fourteenth round). So from 3 threads on, threads + 2 may wait, and at
// least one. At 2 threads one may, which the bench pool needs (with none, its 10M rows took
// 12 % longer: a worker that finished first waited for the other's segment), but not when the
// budget has no room for it: with 5,000 units its tally of 31 MB held 40 MB more for no gain
// in time (twenty-fifth round). At 1 thread none waits: the worker's segment is merged before
// it starts the next, so a run of one thread holds one segment's tally (the merge would
// otherwise run beside it, on a second core). A place's tally is kept as a spare for a later
// segment while the window allows it (see `spares` in score_segments). Without the budget, 4M
// rows over 5,000 units took 1.2-1.5 GB at -j16 (twenty-fourth round).
[[nodiscard]] constexpr std::uint64_t segments_waiting(unsigned threads, std::size_t tally_bytes,
                                                       std::size_t budget) noexcept {
  if (threads <= 1) return 0;
  const std::uint64_t most = threads > 2 ? threads + 2ULL : 1ULL;
  const std::uint64_t least = threads > 2 ? 1ULL : 0ULL;
  if (tally_bytes == 0) return most;
  const std::uint64_t room = budget > tally_bytes ? (budget - tally_bytes) / tally_bytes : 0;
  return std::clamp<std::uint64_t>(room, least, most);
}

// The options for reading a file again after the look for repeated ids found some: row by row
// it checks only the ids whose fingerprint repeats (all others were given once in the whole
// file), or every id when the look could not tell which repeat (`repeated` is nullopt; an
// empty vector would mean "no repeat", and no second reading). Holds the fingerprints the
// options point to, so it stays put.
struct second_reading {
  repeated_fingerprints suspects;
  score_file_options options;

  second_reading(const score_file_options& first, const std::optional<std::vector<std::uint64_t>>& repeated)
      : suspects(repeated.value_or(std::vector<std::uint64_t>{})), options(first) {
    if (repeated) options.csv.suspect_ids = &suspects;
  }
  second_reading(const second_reading&) = delete;
  second_reading& operator=(const second_reading&) = delete;
};

// The ids a first reading found repeated: the fingerprints that repeat in the store, and those of
// the ids written as numbers that were claimed twice, ascending. Nothing when the store could not
// tell (a run that could not be read back): then every id is checked again.
[[nodiscard]] inline std::optional<std::vector<std::uint64_t>> repeated_ids(const id_fingerprint_store& fingerprints,
                                                                            const numeric_id_bitmap& numbers,
                                                                            unsigned threads) {
  auto repeated = fingerprints.repeated(threads);
  if (!repeated) return repeated;
  const std::vector<std::uint64_t> numeric = numbers.repeated_fingerprints();
  if (numeric.empty()) return repeated;
  repeated->insert(repeated->end(), numeric.begin(), numeric.end());
  std::sort(repeated->begin(), repeated->end());
  repeated->erase(std::unique(repeated->begin(), repeated->end()), repeated->end());
  return repeated;
}

struct segment_result {
  tally totals;
  std::int64_t lines = 0;       // physical lines the segment's reader consumed
  bool saw_quoted_break = false;  // the file cannot be cut at line ends (csv_range)
  std::vector<diagnostic> errors;
  std::vector<row_rejection> rejected;  // every rejected row, when score_file_options::on_rejected is set
  std::vector<std::uint64_t> ids;       // hashes of the respondent ids taken in, in row order
  id_fingerprints fingerprints;         // instead of `ids`, when the check is deferred
};

// The batch and score arrays a drain works in. A worker keeps one for all its segments: a fresh
// set per 8 MB segment was allocated, faulted in and freed again each time, and at 16 threads
// that churn through glibc's per-thread arenas kept freed pages resident.
struct drain_buffers {
  response_batch batch;
  score_batch scored;
  score_workspace work;
};

// Reads, scores and tallies every record of one reader.
inline void drain(const scoring_plan& plan, csv_reader& reader, tally& totals, drain_buffers& buffers,
                  const std::function<void(std::int64_t)>& on_batch = {},
                  const std::function<void(const row_rejection&)>& on_rejected = {}) {
  response_batch& batch = buffers.batch;
  score_batch& scored = buffers.scored;
  score_workspace& work = buffers.work;
  while (reader.next(batch)) {
    if (on_rejected)
      for (const auto& r : batch.rejected) on_rejected(r);
    score(plan, batch, scored, work);
    // Rows a consistency check rejected (R220) are rejected by the scorer, not the reader: they
    // reach on_rejected too, after the batch's reader rejections (callers wanting file order sort
    // by line). Their raw text is not kept; the rejects file reads it back from the file.
    if (on_rejected)
      for (Eigen::Index i = 0; i < batch.rows(); ++i)
        if (scored.status(i) == ballot_status::rejected) on_rejected(check_rejection(plan, batch, scored, i));
    accumulate(totals, plan, batch, scored);
    if (on_batch) on_batch(reader.rows_read());
  }
  // A finished part closes its last block. Its uncounted score keys stay so: merge() moves them
  // into the file's tally, which counts them into its own tables (counting them here too cost
  // 5 % of a run).
  totals.close_block();
}

inline segment_result score_segment(const scoring_plan& plan, const std::filesystem::path& file,
                                    const score_file_options& options, csv_range range,
                                    drain_buffers& buffers, const respondent_id_set* earlier_ids = nullptr,
                                    bool defer_id_check = false, numeric_id_bitmap* numeric_ids = nullptr,
                                    std::optional<tally> recycled = std::nullopt) {
  segment_result out;
  if (recycled) {
    out.totals = std::move(*recycled);
    out.totals.reset();
  } else {
    out.totals = make_tally(plan);
  }
  csv_options csv = options.csv;
  csv.record_ids = true;
  csv.earlier_ids = earlier_ids;
  csv.defer_duplicate_ids = defer_id_check;
  csv.numeric_ids = numeric_ids;
  auto reader = csv_reader::open(file, plan, csv, range);
  if (!reader) {
    out.errors = reader.diagnostics();
    return out;
  }
  std::function<void(const row_rejection&)> keep;
  if (options.on_rejected) keep = [&out](const row_rejection& r) { out.rejected.push_back(r); };
  drain(plan, *reader, out.totals, buffers, {}, keep);
  out.lines = reader->lines_read();
  out.saw_quoted_break = reader->saw_quoted_line_break();
  out.errors = reader->errors();
  if (defer_id_check)
    out.fingerprints = id_fingerprints(reader->claimed_ids());
  else
    out.ids = reader->claimed_ids();
  return out;
}

// The whole file with one reader. With `fingerprints`, the reader records its ids instead of
// checking them (options.csv.defer_duplicate_ids), and they go into the store a million at a
// time, so that memory stays flat.
inline result<tally> read_in_one_piece(const scoring_plan& plan, const std::filesystem::path& file,
                                       const score_file_options& options,
                                       id_fingerprint_store* fingerprints = nullptr) {
  auto reader = csv_reader::open(file, plan, options.csv);
  if (!reader) return reader.diagnostics();
  tally totals = make_tally(plan);
  std::vector<std::uint64_t> ids;
  auto keep_ids = [&] {
    reader->take_claimed_ids(ids);
    fingerprints->add(id_fingerprints(ids));
  };
  constexpr std::size_t ids_at_a_time = std::size_t{1} << 20;
  drain_buffers buffers;
  drain(plan, *reader, totals, buffers, [&](std::int64_t rows_read) {
    if (fingerprints != nullptr && reader->claimed_ids().size() >= ids_at_a_time) keep_ids();
    if (options.on_progress) options.on_progress(rows_read);
  }, options.on_rejected);
  if (!reader->errors().empty()) return reader->errors();
  if (fingerprints != nullptr) keep_ids();
  totals.flush();  // handed out flushed: finalize would otherwise work on a copy
  return totals;
}

// A file that cannot be cut, read by one reader. Its duplicate ids are found as a segmented
// run finds them: the ids are recorded and looked over at the end, and only a file with a
// repeat is read again, checking row by row the ids whose fingerprint repeats. (Checking every
// id row by row from the start held 11 to 21 bytes a respondent.)
inline result<tally> score_in_one_piece(const scoring_plan& plan, const std::filesystem::path& file,
                                        const score_file_options& options) {
  if (!options.csv.reject_duplicate_ids) return read_in_one_piece(plan, file, options);
  score_file_options recording = options;
  recording.csv.record_ids = true;
  recording.csv.defer_duplicate_ids = true;
  // Handed out once the ids are known to be unique; a second reading rejects its own.
  std::vector<row_rejection> rejected;
  if (options.on_rejected) recording.on_rejected = [&rejected](const row_rejection& r) { rejected.push_back(r); };
  id_fingerprint_store fingerprints(options.id_memory_bytes, options.id_spill_directory);
  numeric_id_bitmap numbers(options.id_memory_bytes);
  recording.csv.numeric_ids = &numbers;
  auto totals = read_in_one_piece(plan, file, recording, &fingerprints);
  if (!totals) return totals;
  const auto repeated = repeated_ids(fingerprints, numbers, resolved_threads(options.threads));
  if (repeated && repeated->empty()) {
    if (options.on_rejected)
      for (const auto& r : rejected) options.on_rejected(r);
    return totals;
  }
  const second_reading rereading(options, repeated);
  return read_in_one_piece(plan, file, rereading.options);
}

// How a segmented run checks respondent ids for duplicates (R208).
enum class id_check : std::uint8_t {
  // Record every segment's ids and look for a repeat once all are in; a repeat sends the file
  // through again with `in_merge` (see id_fingerprints.hpp). Cheap when there is none.
  deferred,
  // Row by row, as a single pass would (see the top of this file).
  in_merge,
};

// What a segmented run ends with: a tally, file-level errors, or the need to start again.
struct segmented_run {
  enum class again : std::uint8_t { no, in_one_piece, with_id_check };
  tally totals;
  // with_id_check: the id fingerprints that repeat; none when the look could not tell (a
  // fingerprint file that could not be read back), so that every id is checked again.
  std::optional<std::vector<std::uint64_t>> repeated_ids;
  std::vector<diagnostic> errors;
  std::vector<row_rejection> rejected;  // in file order, with absolute line numbers
  again start_again = again::no;
  // The most segments taken and not yet merged at once (scored or waiting): at most the threads
  // plus segments_waiting's places. How the budget shows, for tests and tuning.
  std::uint64_t most_in_flight = 0;
};

inline segmented_run score_segments(const scoring_plan& plan, const std::filesystem::path& file,
                                    const score_file_options& options, std::uint64_t segment,
                                    std::uint64_t segments, id_check ids_checked) {
  const unsigned threads =
      static_cast<unsigned>(std::min<std::uint64_t>(resolved_threads(options.threads), segments));
  // Segments in flight at most: one a thread, plus finished ones waiting for the merge while an
  // older one is still being scored (segments_waiting), as many as the budget allows once a
  // finished segment's tally tells its size.
  std::size_t tally_bytes = 0;  // the largest finished segment's tally so far (approximate_bytes)
  const auto window = [&] {
    return threads + segments_waiting(threads, tally_bytes, options.waiting_tally_bytes);
  };
  const bool deferred = ids_checked == id_check::deferred;
  auto range_of = [&](std::uint64_t k) {
    return csv_range{k * segment, k + 1 == segments ? csv_range{}.end : (k + 1) * segment};
  };

  // deferred: the ids written as numbers, marked by the workers (numeric_id_bitmap.hpp)
  numeric_id_bitmap numbers(deferred ? options.id_memory_bytes : 0);
  // From 14 threads on, the workers count their segments' score keys into the file's
  // histograms, so the merge does not (shared_score_counts.hpp): counting them took the merging
  // thread about 7 % of a run's CPU, so at about 14 workers it would be busy all the time and hold
  // the run back. Below that the merge counts them, gathered 1,024 a cell, which misses the cache
  // less: with the workers counting, 8 threads took 10-20 % more CPU on the 2-core VM
  // (bench/RESULTS.md). Either way the counts, and so the report, are the same. Not when
  // checking ids in the merge: a segment that meets an earlier segment's id is scored again
  // there, and its first tally's keys must not count.
  constexpr unsigned workers_count_keys_from = 14;
  const bool workers_count_keys =
      threads >= workers_count_keys_from && (deferred || !options.csv.reject_duplicate_ids);
  shared_score_counts score_keys;
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::optional<segment_result>> done(segments);
  std::uint64_t next_segment = 0, merged = 0;
  std::uint64_t most_in_flight = 0;  // run.most_in_flight, kept under `mutex` while workers run
  bool stop = false;
  // Tallies of merged segments, for workers to start their next segment with (emptied by the
  // worker, tally::reset, so that the merging thread does not): a fresh tally a segment was
  // 190,000 allocations for the bench pool's 10M rows, and page faults on every table. Kept up
  // to the window: a worker makes a new one only when none waits here, that is when every
  // tally there is is in flight, so there are never more tallies than the window (segments in
  // flight at most), as when each was freed at its merge. Keeping only two, a burst of merges
  // after a slow segment dropped some, and workers made 18 new tallies for the 96 segments at
  // -j2. Not beyond the window: it shrinks when a later segment's tally is larger (units that
  // first appear late in the file), and what it no longer allows is freed.
  std::vector<tally> spares;

  auto worker = [&] {
    drain_buffers buffers;
    for (;;) {
      std::uint64_t k = 0;
      std::optional<tally> spare;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return stop || next_segment >= segments || next_segment < merged + window(); });
        if (stop || next_segment >= segments) return;
        k = next_segment++;
        most_in_flight = std::max(most_in_flight, next_segment - merged);
        if (!spares.empty()) {
          spare = std::move(spares.back());
          spares.pop_back();
        }
      }
      segment_result result = score_segment(plan, file, options, range_of(k), buffers, nullptr, deferred, &numbers,
                                            std::move(spare));
      if (workers_count_keys) score_keys.take_keys(result.totals, static_cast<std::size_t>(k));
      std::lock_guard lock(mutex);
      tally_bytes = std::max(tally_bytes, result.totals.approximate_bytes());
      done[k] = std::move(result);
      changed.notify_all();
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);

  segmented_run run;
  run.totals = make_tally(plan);
  std::int64_t lines_before = 0;
  respondent_id_set ids;                     // in_merge: of the segments merged so far
  drain_buffers rescoring;                   // in_merge: for segments scored again here
  id_fingerprint_store fingerprints(options.id_memory_bytes, options.id_spill_directory);  // deferred
  for (std::uint64_t k = 0; k < segments; ++k) {
    segment_result part;
    {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return done[k].has_value(); });
      part = std::move(*done[k]);
      done[k].reset();
    }
    if (!deferred) {
      // The segment's ids join the file's; those already there (taken in by an earlier
      // segment) make it score again knowing them, on this thread (the workers never touch
      // `ids`). Every id the second pass checks is one the first pass took in, so knowing just
      // the clashing ones is knowing all the earlier ones it meets, and what it takes in is
      // already in `ids`.
      respondent_id_set clashes;
      for (const std::uint64_t h : part.ids)
        if (!ids.insert(h)) clashes.insert(h);
      if (clashes.size() > 0 && part.errors.empty() && !part.saw_quoted_break)
        part = score_segment(plan, file, options, range_of(k), rescoring, &clashes, false);
    }
    if (!part.errors.empty() || part.saw_quoted_break) {
      run.errors = std::move(part.errors);
      if (part.saw_quoted_break) run.start_again = segmented_run::again::in_one_piece;
      break;
    }
    if (deferred) fingerprints.add(std::move(part.fingerprints));
    // Line numbers of later segments count from their first record: make them absolute.
    if (k > 0) {
      for (auto& r : part.totals.rejection_samples) r.line += lines_before;
      for (auto& r : part.rejected) r.line += lines_before;
    }
    // Handed out only at the end: a quoted line break in a later segment restarts the file in one piece.
    for (auto& r : part.rejected) run.rejected.push_back(std::move(r));
    lines_before += part.lines;
    merge(run.totals, part.totals);
    {
      std::lock_guard lock(mutex);
      merged = k + 1;
      // Kept while the tallies there are (in flight or spare) are fewer than the window; else
      // freed below, out of the lock: the window shrinks once the tallies' size is known.
      if (k + 1 < segments && (next_segment - merged) + spares.size() < window())
        spares.push_back(std::move(part.totals));
      changed.notify_all();
    }
    if (options.on_progress) options.on_progress(run.totals.rows_read);
  }
  {
    std::lock_guard lock(mutex);
    stop = true;
    changed.notify_all();
  }
  for (auto& thread : pool) thread.join();
  run.most_in_flight = most_in_flight;
  score_keys.move_into(run.totals);
  if (deferred && run.errors.empty() && run.start_again == segmented_run::again::no) {
    run.repeated_ids = repeated_ids(fingerprints, numbers, threads);
    if (!run.repeated_ids || !run.repeated_ids->empty()) run.start_again = segmented_run::again::with_id_check;
  }
  return run;
}

}  // namespace detail

// Scores every row of `file` and returns the tally: rows read = valid + void + rejected.
// Fails only on file-level problems (cannot open, bad encoding, bad header, read error).
[[nodiscard]] inline result<tally> score_file(const scoring_plan& plan,
                                              const std::filesystem::path& file,
                                              const score_file_options& options = {}) {
  const std::uint64_t segment = std::max<std::uint64_t>(options.segment_bytes, 1);
  // Opening a reader checks the encoding and the header once, before any thread starts.
  bool splittable = false;
  {
    auto probe = csv_reader::open(file, plan, options.csv);
    if (!probe) return probe.diagnostics();
    splittable = probe->splittable();
  }
  std::error_code size_error;
  const std::uint64_t size = std::filesystem::file_size(file, size_error);
  const std::uint64_t segments = size_error ? 1 : std::max<std::uint64_t>(1, (size + segment - 1) / segment);
  if (!splittable || segments == 1) return detail::score_in_one_piece(plan, file, options);

  using again = detail::segmented_run::again;
  const auto first_check = options.csv.reject_duplicate_ids ? detail::id_check::deferred : detail::id_check::in_merge;
  detail::segmented_run run = detail::score_segments(plan, file, options, segment, segments, first_check);
  if (run.start_again == again::with_id_check) {
    const detail::second_reading rereading(options, run.repeated_ids);
    run = detail::score_segments(plan, file, rereading.options, segment, segments, detail::id_check::in_merge);
  }
  if (!run.errors.empty()) return run.errors;
  // A quoted field held a line break, which a segment boundary may have cut: start again in one piece.
  if (run.start_again == again::in_one_piece) return detail::score_in_one_piece(plan, file, options);
  if (options.on_rejected)
    for (const auto& r : run.rejected) options.on_rejected(r);
  run.totals.flush();  // handed out flushed: finalize would otherwise work on a copy
  return std::move(run.totals);
}

}  // namespace qscore
