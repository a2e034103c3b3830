// The CSV reader alone (parse + decode into batches, no scoring) on an in-memory pool:
//   build/bench/bench_parse --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// The second argument: 1 decodes the answer cells with AVX-512 where the processor has it
// (csv_options::wide_cells, the default), 0 four cells a word; the ratio is the wide decoder's.
#include <benchmark/benchmark.h>

#include <string>

#include "bench_support.hpp"
#include "qscore/data/csv_reader.hpp"

namespace {

using namespace qscore;

// The pool as CSV text: the same shape as qscore-gen's output for bench/pool.yaml.
std::string pool_csv(std::int64_t rows) {
  const scoring_plan& plan = bench::pool_plan();
  std::string text = "respondent_id,group,unit,weight";
  for (const auto& item : plan.items) text += "," + item.column;
  text += "\n";
  std::uint64_t x = 7;
  auto next = [&x] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::uint32_t>(x >> 33);
  };
  for (std::int64_t i = 0; i < rows; ++i) {
    text += std::to_string(i + 1) + ",g" + std::to_string(1 + next() % 9) + ",u";
    const unsigned unit = 1 + next() % 22;
    text += (unit < 10 ? "0" : "") + std::to_string(unit) + ",1.0" + std::to_string(next() % 10);
    for (std::size_t j = 0; j < plan.item_count(); ++j) {
      text += ',';
      if (next() % 100 >= 3) text += static_cast<char>('1' + next() % 4);
    }
    text += '\n';
  }
  return text;
}

void BM_parse(benchmark::State& state) {
  const scoring_plan& plan = bench::pool_plan();
  const std::string text = pool_csv(state.range(0));
  response_batch batch;
  for (auto _ : state) {
    csv_options options;
    options.wide_cells = state.range(1) != 0;
    auto reader = csv_reader::from_string(text, "pool.csv", plan, options).value();
    std::int64_t rows = 0;
    while (reader.next(batch)) rows += batch.rows();
    benchmark::DoNotOptimize(rows);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_parse)->Args({100000, 1})->Args({100000, 0});

}  // namespace
