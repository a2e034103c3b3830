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
// The same bytes are then read for a twelve-item version of the appraisal (q1..q12, one scale):
// runs of answer cells long enough for the AVX-512 decoder (src/data/wide_cells.hpp), which
// must give what the word-at-a-time fast path gives (csv_options::wide_cells off), in one chunk
// and in tiny ones. Where the processor has no AVX-512 both reads take the word path.
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

// The small appraisal with twelve items q1..q12 on its scale: the plan of the wide-run check.
inline const scoring_plan& wide_appraisal_plan() {
  static const scoring_plan plan = [] {
    instrument def = fixtures::small_appraisal();
    def.dimensions.clear();
    def.items.clear();
    for (int j = 1; j <= 12; ++j)
      def.items.push_back({"q" + std::to_string(j), label("Item " + std::to_string(j)), "sat", 1.0, "", false, ""});
    return compile(def).value();
  }();
  return plan;
}

// Everything a reader produced, flattened to text; or why it broke a property.
struct csv_outcome {
  std::string opened;  // "" when it opened, else the diagnostics
  std::vector<std::pair<std::int64_t, std::string>> rows;  // (line, what became of it), by line
  std::string problem;
};

inline csv_outcome read_all(std::string_view text, csv_options options,
                            const scoring_plan& plan = small_appraisal_plan()) {
  csv_outcome out;
  auto reader = csv_reader::from_string(std::string(text), "fuzz.csv", plan, options);
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

// "" when `a` and `b` read the same, else the first difference, named by `what`.
inline std::string compare_outcomes(const csv_outcome& a, const csv_outcome& b, const std::string& what) {
  if (!b.problem.empty()) return b.problem + " (" + what + ")";
  if (a.opened != b.opened) return "opening depends on " + what + ":\n" + a.opened + "vs\n" + b.opened;
  if (a.rows != b.rows) {
    std::size_t i = 0;
    while (i < a.rows.size() && i < b.rows.size() && a.rows[i] == b.rows[i]) ++i;
    return what + " change row " + std::to_string(i) + ": '" + (i < a.rows.size() ? a.rows[i].second : "(none)") +
           "' vs '" + (i < b.rows.size() ? b.rows[i].second : "(none)") + "'";
  }
  return "";
}

// "" when every property holds, else what went wrong.
inline std::string check_csv_input(std::string_view text) {
  // One chunk that holds the whole text (not the default 1 MiB: allocating and clearing that
  // per input made the target run at 20 inputs a second under ASan).
  csv_options one;
  one.chunk_bytes = text.size() + 1;
  one.batch_rows = 1024;
  csv_options tiny;
  tiny.chunk_bytes = 1 + text.size() % 61;
  tiny.batch_rows = static_cast<Eigen::Index>(1 + text.size() % 7);
  const std::string chunks = "chunks of " + std::to_string(tiny.chunk_bytes);
  const csv_outcome whole = read_all(text, one);
  if (!whole.problem.empty()) return whole.problem;
  if (std::string problem = compare_outcomes(whole, read_all(text, tiny), chunks); !problem.empty()) return problem;

  const scoring_plan& wide_plan = wide_appraisal_plan();
  const csv_outcome wide = read_all(text, one, wide_plan);
  if (!wide.problem.empty()) return wide.problem + " (twelve items)";
  csv_options word = one;
  word.wide_cells = false;
  if (std::string problem = compare_outcomes(wide, read_all(text, word, wide_plan), "twelve items, wide_cells off");
      !problem.empty())
    return problem;
  return compare_outcomes(wide, read_all(text, tiny, wide_plan), "twelve items, " + chunks);
}

}  // namespace qscore::fuzz
