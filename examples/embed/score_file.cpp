// Scoring a responses file with a YAML definition: load, compile, score (streamed in batches),
// finalize, print the ranking.
//
//   qscore-gen examples/appraisal/appraisal.yaml --rows 3000 --seed 2023 --output appraisal.csv
//   score_file examples/appraisal/appraisal.yaml appraisal.csv
#include <iomanip>
#include <iostream>
#include <qscore/qscore.hpp>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: score_file DEFINITION.yaml RESPONSES.csv\n";
    return 2;
  }
  // Expected failures come back as diagnostics (file:line:column: error[D024] ...), never thrown.
  const auto loaded = qscore::load_definition(argv[1]);
  for (const qscore::diagnostic& d : loaded.diagnostics()) std::cerr << d.to_string() << '\n';
  if (!loaded) return 1;
  const qscore::scoring_plan plan = qscore::compile(loaded->definition).value();  // already checked

  const auto totals = qscore::score_file(plan, argv[2]);
  for (const qscore::diagnostic& d : totals.diagnostics()) std::cerr << d.to_string() << '\n';
  if (!totals) return 1;
  const qscore::report report = qscore::finalize(plan, *totals);

  const qscore::accounting& rows = report.accounting;
  std::cout << report.title << '\n'
            << rows.rows_read << " rows read: " << rows.scored << " valid, " << rows.void_ballots << " void, "
            << rows.rejected << " rejected\n";
  std::cout << std::fixed << std::setprecision(report.rank_decimals.value_or(2));
  for (const qscore::unit_result& unit : report.units) {
    std::cout << std::setw(4) << (unit.rank ? std::to_string(*unit.rank) : "-") << "  " << std::left
              << std::setw(10) << unit.id << std::right << std::setw(8) << unit.total.value_or(0) << " of "
              << report.points << "  " << std::setw(5) << unit.valid << " valid  " << unit.label;
    if (!unit.rank) std::cout << "  (not ranked: " << unit.not_ranked_reason << ')';
    std::cout << '\n';
  }
}
