// The report of some text rows in one batch: build -> score -> accumulate -> finalize, for the
// tests that check finalize's figures by hand (finalize_test.cpp, deferred_items_test.cpp).
#pragma once

#include <utility>
#include <vector>

#include "qscore/data/batch_builder.hpp"
#include "qscore/report/finalize.hpp"
#include "support/small_appraisal.hpp"

namespace qscore::fixtures {

inline report report_of_rows(const std::vector<text_row>& rows, instrument def, const report_options& options = {}) {
  const scoring_plan plan = compile(std::move(def)).value();
  batch_builder builder(plan);
  for (const auto& row : rows) builder.add_text_row(row.group, row.unit, row.answers, row.weight);
  const response_batch batch = builder.take();
  tally totals = make_tally(plan);
  accumulate(totals, plan, batch, score(plan, batch));
  return finalize(plan, totals, options);
}

}  // namespace qscore::fixtures
