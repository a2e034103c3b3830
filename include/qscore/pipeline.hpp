// The whole path for one responses file: read (streamed, in batches) -> score -> tally.
// A convenience over the stage functions; programs with their own data source call those
// directly (see examples/).
#pragma once

#include <filesystem>
#include <functional>

#include "qscore/core/diagnostic.hpp"
#include "qscore/data/csv_reader.hpp"
#include "qscore/plan/scoring_plan.hpp"
#include "qscore/score/scorer.hpp"
#include "qscore/tally/tally.hpp"

namespace qscore {

struct score_file_options {
  csv_options csv;
  // Called after each batch with the rows read so far (for progress display); may be empty.
  std::function<void(std::int64_t rows_read)> on_progress;
};

// Scores every row of `file` and returns the tally: rows read = valid + void + rejected.
// Fails only on file-level problems (cannot open, bad encoding, bad header, read error).
[[nodiscard]] inline result<tally> score_file(const scoring_plan& plan,
                                              const std::filesystem::path& file,
                                              const score_file_options& options = {}) {
  auto reader = csv_reader::open(file, plan, options.csv);
  if (!reader) return reader.diagnostics();
  tally totals = make_tally(plan);
  response_batch batch;
  score_batch scored;
  score_workspace work;
  while (reader->next(batch)) {
    score(plan, batch, scored, work);
    accumulate(totals, plan, batch, scored);
    if (options.on_progress) options.on_progress(reader->rows_read());
  }
  if (!reader->errors().empty()) return reader->errors();
  totals.flush();  // a finished file closes its last block
  return totals;
}

}  // namespace qscore
