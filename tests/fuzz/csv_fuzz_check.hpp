// What the CSV fuzz target checks for one input, shared with the replay test
// (tests/unit/fuzz_replay_test.cpp).
//
// The bytes are a responses file for the small appraisal of tests/support/small_appraisal.hpp
// (columns respondent_id, group, unit, q1, q2, q3). For any bytes, csv_reader must return (no
// crash, no exception, no sanitizer report), and:
//   - opening fails with F diagnostics, or succeeds, the same with every chunk size;
//   - every row read is in exactly one batch, scored or rejected with an R id (the counts add up);
//   - reading in tiny chunks and batches (sizes derived from the input, 1..61 bytes, 1..7 rows)
//     gives exactly what one chunk holding the whole text gives: the same rows, codes, groups,
//     units, weights, lines and rejections. Chunk boundaries must not change a result.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qscore/data/csv_reader.hpp"
#include "qscore/plan/scoring_plan.hpp"
#include "support/small_appraisal.hpp"

namespace qscore::fuzz {

inline const scoring_plan& small_appraisal_plan() {
  static const scoring_plan plan = compile(fixtures::small_appraisal()).value();
  return plan;
}

// Everything a reader produced, flattened to text; or why it broke a property.
struct csv_outcome {
  std::string opened;  // "" when it opened, else the diagnostics
  std::vector<std::pair<std::int64_t, std::string>> rows;  // (line, what became of it), by line
  std::string problem;
};

inline csv_outcome read_all(std::string_view text, csv_options options) {
  csv_outcome out;
  auto reader = csv_reader::from_string(std::string(text), "fuzz.csv", small_appraisal_plan(), options);
  if (!reader) {
    if (reader.diagnostics().empty()) out.problem = "open failed without a diagnostic";
    for (const diagnostic& d : reader.diagnostics()) {
      if (error_id(d.code).front() != 'F') out.problem = "not a file id: " + d.to_string();
      out.opened += d.to_string() + "\n";
    }
    return out;
  }
  response_batch batch;
  std::int64_t covered = 0;
  while (reader->next(batch)) {
    covered += batch.rows_read();
    for (Eigen::Index i = 0; i < batch.rows(); ++i) {
      std::string row = "row line " + std::to_string(batch.lines[static_cast<std::size_t>(i)]) + " group " +
                        std::to_string(batch.group(i)) + " unit " +
                        batch.unit_ids.at(static_cast<std::size_t>(batch.unit(i))) + " weight " +
                        std::to_string(batch.weight(i)) + " codes";
      for (Eigen::Index j = 0; j < batch.codes.cols(); ++j) row += " " + std::to_string(batch.codes(i, j));
      out.rows.emplace_back(batch.lines[static_cast<std::size_t>(i)], row);
    }
    for (const row_rejection& r : batch.rejected) {
      if (error_id(r.code).front() != 'R') out.problem = "a rejection without a row id: " + r.message();
      out.rows.emplace_back(r.line, "rejected line " + std::to_string(r.line) + " " + r.message());
    }
  }
  if (covered != reader->rows_read())
    out.problem = std::to_string(reader->rows_read()) + " rows read but " + std::to_string(covered) + " in batches";
  // A batch lists its scored rows before its rejected ones, so the order of the two depends on
  // where batches end; what becomes of each line must not. Each row starts on its own line.
  std::sort(out.rows.begin(), out.rows.end());
  for (const diagnostic& d : reader->errors()) out.rows.emplace_back(-1, "error " + d.to_string());
  return out;
}

// "" when every property holds, else what went wrong.
inline std::string check_csv_input(std::string_view text) {
  // One chunk that holds the whole text (not the default 1 MiB: allocating and clearing that
  // per input made the target run at 20 inputs a second under ASan).
  csv_options one;
  one.chunk_bytes = text.size() + 1;
  one.batch_rows = 1024;
  const csv_outcome whole = read_all(text, one);
  if (!whole.problem.empty()) return whole.problem;
  csv_options tiny;
  tiny.chunk_bytes = 1 + text.size() % 61;
  tiny.batch_rows = static_cast<Eigen::Index>(1 + text.size() % 7);
  const csv_outcome pieces = read_all(text, tiny);
  if (!pieces.problem.empty()) return pieces.problem + " (chunks of " + std::to_string(tiny.chunk_bytes) + ")";
  if (whole.opened != pieces.opened) return "opening depends on the chunk size:\n" + whole.opened + "vs\n" + pieces.opened;
  if (whole.rows != pieces.rows) {
    std::size_t i = 0;
    while (i < whole.rows.size() && i < pieces.rows.size() && whole.rows[i] == pieces.rows[i]) ++i;
    return "chunks of " + std::to_string(tiny.chunk_bytes) + " change row " + std::to_string(i) + ": '" +
           (i < whole.rows.size() ? whole.rows[i].second : "(none)") + "' vs '" +
           (i < pieces.rows.size() ? pieces.rows[i].second : "(none)") + "'";
  }
  return "";
}

}  // namespace qscore::fuzz
