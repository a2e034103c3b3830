// A file's respondent-id fingerprints (id_fingerprints.hpp), part by part, held in memory up to a
// budget and in a temporary file beyond it: what keeps score_file's memory flat for any file
// size. The fingerprints take 6 bytes a respondent, so without it a 100-million-row file would
// hold 600 MB of them until the end of the run.
//
// Once the parts in memory pass the budget, they are written out as one run: bucket by bucket,
// the parts' stored bits one after another, so that any range of buckets is one stretch of the
// file. Only the run's bucket starts stay in memory (16 KB a run). The look for repeats
// (repeated()) then reads a few buckets at a time from every run, sized so that all threads
// together hold about the budget (at least a megabyte a thread), and finds exactly what
// id_fingerprints::repeated finds over the same parts.
//
// The file is created in `spill_directory` (by default the system's temporary directory, TMPDIR)
// and unlinked at once, so it never outlives the run. A file that cannot be made or written
// leaves the parts in memory: the run needs more memory, but loses nothing. A run that cannot be
// read back makes repeated() answer "don't know", and score_file then checks every id again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "qscore/data/id_fingerprints.hpp"

namespace qscore {

class id_fingerprint_store {
 public:
  static constexpr std::size_t default_memory_bytes = std::size_t{16} << 20;
  // What one thread reads back at a time at least, however small the budget (tests lower it
  // to see the look go through many chunks).
  static constexpr std::size_t default_min_chunk_bytes = std::size_t{1} << 20;

  explicit id_fingerprint_store(std::size_t memory_bytes = default_memory_bytes,
                                std::filesystem::path spill_directory = {},
                                std::size_t min_chunk_bytes = default_min_chunk_bytes);
  ~id_fingerprint_store();
  id_fingerprint_store(const id_fingerprint_store&) = delete;
  id_fingerprint_store& operator=(const id_fingerprint_store&) = delete;

  // Takes in one part's fingerprints; writes out the parts in memory once they pass the budget.
  void add(id_fingerprints part);

  // What id_fingerprints::repeated answers for every part added so far, or nothing when a run
  // could not be read back from the file.
  [[nodiscard]] std::optional<std::vector<std::uint64_t>> repeated(unsigned threads = 1) const;

  [[nodiscard]] std::size_t size() const noexcept { return ids_; }           // ids added
  [[nodiscard]] std::size_t memory_bytes() const noexcept { return held_; }  // parts in memory
  [[nodiscard]] std::size_t runs_written() const noexcept { return runs_.size(); }
  // Whether the file could not be made or written (so every part since stayed in memory).
  [[nodiscard]] bool spill_failed() const noexcept { return spill_failed_; }

 private:
  // Parts written out together: bucket b's ids are [starts[b], starts[b + 1]) of the run, whose
  // stored high 16 bits begin at byte `high_at` of the file and low 32 bits at `low_at`.
  struct run {
    std::vector<std::uint32_t> starts;
    std::uint64_t high_at = 0;
    std::uint64_t low_at = 0;
  };

  bool open_file();
  bool write_out();
  // Buckets [first, last) of `r`, read back as a part (empty outside them); false on a read error.
  bool read_back(const run& r, std::size_t first, std::size_t last, id_fingerprints& into) const;
  bool look(std::size_t first, std::size_t last, std::size_t chunk_ids, std::vector<std::uint64_t>& out) const;

  std::size_t budget_;
  std::size_t min_chunk_bytes_;
  std::filesystem::path directory_;
  std::vector<id_fingerprints> parts_;  // in memory
  std::vector<run> runs_;               // in the file
  std::size_t held_ = 0;      // bytes of parts_
  std::size_t held_ids_ = 0;  // ids in parts_
  std::size_t ids_ = 0;
  int fd_ = -1;
  std::uint64_t file_end_ = 0;
  bool spill_failed_ = false;
};

}  // namespace qscore
