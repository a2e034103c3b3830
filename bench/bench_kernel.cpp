// The scoring kernel and the tally on batches already parsed, against a plain read of the same
// bytes (the memory-bandwidth yardstick), in one run:
//   build/bench/bench_kernel --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <numeric>
#include <vector>

#include "bench_support.hpp"
#include "qscore/score/scorer.hpp"
#include "qscore/tally/tally.hpp"

namespace {

using namespace qscore;

constexpr Eigen::Index batch_rows_default = default_batch_rows;

// Scores one batch of state.range(0) random rows through `plan` per iteration.
void score_batches(benchmark::State& state, const scoring_plan& plan) {
  const response_batch batch = bench::random_batch(plan, state.range(0));
  score_batch out;
  score_workspace work;
  for (auto _ : state) {
    score(plan, batch, out, work);
    benchmark::DoNotOptimize(out.score.data());
  }
  state.SetItemsProcessed(state.iterations() * batch.rows());
  state.SetBytesProcessed(state.iterations() * batch.rows() * batch.codes.cols());
}

// The pool's whole points and weights take the integer kernel.
void BM_score(benchmark::State& state) { score_batches(state, bench::pool_plan()); }
BENCHMARK(BM_score)->Arg(batch_rows_default)->Arg(65536);

// The same batches through the double kernel (lookups into N×K tiles and two GEMVs), which
// plans with fractional points or weights take: the pool's plan without its packed table.
void BM_score_double_kernel(benchmark::State& state) {
  scoring_plan plan = bench::pool_plan();
  plan.packed = packed_points{};
  score_batches(state, plan);
}
BENCHMARK(BM_score_double_kernel)->Arg(batch_rows_default)->Arg(65536);

void BM_score_and_tally(benchmark::State& state) {
  const scoring_plan& plan = bench::pool_plan();
  const response_batch batch = bench::random_batch(plan, state.range(0));
  score_batch out;
  score_workspace work;
  tally totals = make_tally(plan);
  for (auto _ : state) {
    score(plan, batch, out, work);
    accumulate(totals, plan, batch, out);
  }
  benchmark::DoNotOptimize(totals.rows_read);
  state.SetItemsProcessed(state.iterations() * batch.rows());
  state.SetBytesProcessed(state.iterations() * batch.rows() * batch.codes.cols());
}
BENCHMARK(BM_score_and_tally)->Arg(batch_rows_default);

// The same with the rows spread over many units (9 groups each: 198, 9,000 and 90,000 cells),
// each batch a different draw, so that the tally keeps meeting cells it has not seen lately.
void BM_score_and_tally_units(benchmark::State& state) {
  const scoring_plan plan = bench::plan_with_units(static_cast<int>(state.range(0)));
  std::vector<response_batch> batches;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) batches.push_back(bench::random_batch(plan, batch_rows_default, seed));
  score_batch out;
  score_workspace work;
  tally totals = make_tally(plan);
  std::size_t next = 0;
  for (auto _ : state) {
    const response_batch& batch = batches[next++ % batches.size()];
    score(plan, batch, out, work);
    accumulate(totals, plan, batch, out);
  }
  benchmark::DoNotOptimize(totals.rows_read);
  state.SetItemsProcessed(state.iterations() * batch_rows_default);
}
BENCHMARK(BM_score_and_tally_units)->Arg(22)->Arg(1000)->Arg(10000);

// Reads as many bytes as the code matrix of a batch holds: the bandwidth the kernel is held to.
void BM_plain_read(benchmark::State& state) {
  const auto bytes = static_cast<std::size_t>(state.range(0)) * 30;
  std::vector<std::uint64_t> buffer(bytes / 8, 0x0102030401020304ULL);
  for (auto _ : state) {
    std::uint64_t sum = std::accumulate(buffer.begin(), buffer.end(), std::uint64_t{0});
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
}
// A default batch and 65536 rows stay in cache; 8M rows (240 MB) measure main-memory read
// bandwidth.
BENCHMARK(BM_plain_read)->Arg(batch_rows_default)->Arg(65536)->Arg(8 << 20);

// Respondents per second as N (rows per batch) and K (items) grow: the cost per row and item
// should stay flat.
void BM_score_scaling(benchmark::State& state) {
  const scoring_plan plan = bench::plan_with_items(static_cast<int>(state.range(1)));
  const response_batch batch = bench::random_batch(plan, state.range(0));
  score_batch out;
  score_workspace work;
  tally totals = make_tally(plan);
  for (auto _ : state) {
    score(plan, batch, out, work);
    accumulate(totals, plan, batch, out);
  }
  state.SetItemsProcessed(state.iterations() * batch.rows());
  state.counters["cells_per_second"] = benchmark::Counter(
      static_cast<double>(state.iterations() * batch.rows() * batch.codes.cols()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_score_scaling)->ArgsProduct({{1000, 10000, 100000}, {10, 30, 100, 200}});

void BM_merge(benchmark::State& state) {
  const scoring_plan& plan = bench::pool_plan();
  const response_batch batch = bench::random_batch(plan, batch_rows_default);
  tally part = make_tally(plan);
  accumulate(part, plan, batch, score(plan, batch));
  part.flush();
  tally totals = make_tally(plan);
  for (auto _ : state) merge(totals, part);
  benchmark::DoNotOptimize(totals.rows_read);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_merge);

// What the merging thread of a segmented run does for each 8 MB segment (about 96,000 pool
// rows): merge the segment's tally, whose score keys are still uncounted, into the file's,
// which counts them as they gather. Each segment is merged many times into one running total,
// so the total's count tables are as full as in a long run. At 16 threads this one thread must
// keep up with all the workers: rows per second here bound a run's (bench/RESULTS.md).
void BM_merge_segment(benchmark::State& state) {
  const scoring_plan& plan = bench::pool_plan();
  constexpr int batches = 25;  // 25 x 3,840 rows: one segment
  std::vector<tally> segments;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    tally part = make_tally(plan);
    for (int b = 0; b < batches; ++b) {
      const response_batch batch = bench::random_batch(plan, batch_rows_default, seed * 1000 + b);
      accumulate(part, plan, batch, score(plan, batch));
    }
    part.close_block();  // as a worker leaves it: keys uncounted
    segments.push_back(std::move(part));
  }
  tally totals = make_tally(plan);
  std::size_t next = 0;
  for (auto _ : state) {
    merge(totals, segments[next]);
    next = (next + 1) % segments.size();
  }
  benchmark::DoNotOptimize(totals.rows_read);
  state.SetItemsProcessed(state.iterations() * batches * batch_rows_default);
}
BENCHMARK(BM_merge_segment)->Unit(benchmark::kMicrosecond);

// A segment of a survey of many units (stores, courses), as a worker and the merging thread
// see it: about 96,000 rows (25 batches of 3,840) spread over `units` units and 9 groups, tallied
// into a segment's tally emptied for reuse (tally::reset), which is then merged into the file's.
// With thousands of units each cell gets a few rows a segment: what costs is the tally's size
// (every unit's cells and answer counts), not the rows (bench/RESULTS.md).
void BM_segment_of_many_units(benchmark::State& state) {
  const scoring_plan plan = bench::plan_with_units(static_cast<int>(state.range(0)));
  constexpr int batches = 25;
  std::vector<response_batch> segment;
  std::vector<score_batch> scored;
  for (int b = 0; b < batches; ++b) {
    segment.push_back(bench::random_batch(plan, batch_rows_default, 7000 + static_cast<std::uint64_t>(b)));
    scored.push_back(score(plan, segment.back()));
  }
  tally part = make_tally(plan);
  tally totals = make_tally(plan);
  for (auto _ : state) {
    part.reset();
    for (int b = 0; b < batches; ++b) accumulate(part, plan, segment[static_cast<std::size_t>(b)], scored[static_cast<std::size_t>(b)]);
    part.close_block();
    merge(totals, part);
  }
  benchmark::DoNotOptimize(totals.rows_read);
  state.SetItemsProcessed(state.iterations() * batches * batch_rows_default);
}
BENCHMARK(BM_segment_of_many_units)->Arg(22)->Arg(1000)->Arg(5000)->Unit(benchmark::kMillisecond);

}  // namespace
