// Streaming CSV reader (RFC 4180: quoted fields, doubled quotes, embedded newlines, CRLF, UTF-8
// with or without a BOM). Reads a fixed-size chunk at a time, so memory does not grow with the
// file, and yields response batches of a fixed number of rows. Compiled in src/data/csv_reader.cpp.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "qscore/core/diagnostic.hpp"
#include "qscore/data/response_batch.hpp"
#include "qscore/plan/scoring_plan.hpp"

namespace qscore {

struct csv_options {
  std::size_t chunk_bytes = std::size_t{1} << 20;  // bytes read from the file at a time
  Eigen::Index batch_rows = 4096;                  // rows handed out per batch (the last may be short)
  char delimiter = ',';
};

class csv_reader {
 public:
  // Opens the file and reads its header. File-level problems (cannot open, UTF-16, empty file,
  // a column the definition needs is missing, a header name given twice) fail here, each with a
  // diagnostic naming the file and, where there is one, the line and column.
  [[nodiscard]] static result<csv_reader> open(const std::filesystem::path& file,
                                               const scoring_plan& plan, csv_options options = {});
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

  // Data rows read so far (blank lines are not rows).
  [[nodiscard]] std::int64_t rows_read() const;
  // Problems that stopped the stream after it was opened (e.g. an I/O error).
  [[nodiscard]] const std::vector<diagnostic>& errors() const;
  [[nodiscard]] const std::string& name() const;

 private:
  struct impl;
  explicit csv_reader(std::unique_ptr<impl> state);
  std::unique_ptr<impl> impl_;
};

}  // namespace qscore
