// The end of a run: finalize (the report from the file's tally) and write_json, for the bench
// pool's 22 units and for a survey of 5,000. They run once per file after every segment is
// merged, so at 16 threads they are a larger share of the wall time than on 2 (bench/RESULTS.md,
// fourteenth round):
//   build/bench/bench_report --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <map>
#include <ostream>
#include <sstream>
#include <streambuf>

#include "bench_support.hpp"
#include "qscore/io/write_json.hpp"
#include "qscore/report/finalize.hpp"
#include "qscore/score/scorer.hpp"
#include "qscore/tally/tally.hpp"

namespace {

using namespace qscore;

// The pool's tally after `rows` random respondents (22 units x 9 groups), flushed as score_file
// hands it out.
const tally& pool_tally(std::int64_t rows) {
  static const tally totals = [rows] {
    const scoring_plan& plan = bench::pool_plan();
    tally t = make_tally(plan);
    constexpr Eigen::Index batch_rows = default_batch_rows;
    for (std::int64_t done = 0, seed = 1; done < rows; done += batch_rows, ++seed) {
      const response_batch batch = bench::random_batch(plan, batch_rows, static_cast<std::uint64_t>(seed));
      accumulate(t, plan, batch, score(plan, batch));
    }
    t.flush();
    return t;
  }();
  return totals;
}

constexpr std::int64_t tally_rows = 10'000'000;

// state.range(0): threads working out the units' results (the report is the same for any count).
void BM_finalize(benchmark::State& state) {
  const scoring_plan& plan = bench::pool_plan();
  const tally& totals = pool_tally(tally_rows);
  report_options options;
  options.threads = static_cast<unsigned>(state.range(0));
  for (auto _ : state) {
    report r = finalize(plan, totals, options);
    benchmark::DoNotOptimize(r.units.data());
  }
}
BENCHMARK(BM_finalize)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// state.range(0): threads laying out the units' JSON (the bytes are the same for any count).
void BM_write_json(benchmark::State& state) {
  const report r = finalize(bench::pool_plan(), pool_tally(tally_rows));
  write_options options;
  options.threads = static_cast<unsigned>(state.range(0));
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::ostringstream out;
    write_json(out, r, options);
    bytes = out.str().size();
    benchmark::DoNotOptimize(bytes);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_write_json)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// A survey of many units (stores, courses): `units` units of about 40 respondents each (200,000
// rows for 5,000 units), flushed. There the report, not the scoring, takes most of a run: each
// unit's 30 items with their options, its groups and its rank interval (bench/RESULTS.md,
// twentieth round). The plan lives as long as the tally (finalize reads both).
struct many_unit_survey {
  scoring_plan plan;
  tally totals;
};
const many_unit_survey& survey_of(int units) {
  static std::map<int, many_unit_survey> made;
  auto found = made.find(units);
  if (found == made.end()) {
    scoring_plan plan = bench::plan_with_units(units);
    tally t = make_tally(plan);
    const std::int64_t rows = 40 * std::int64_t{units};
    constexpr Eigen::Index batch_rows = default_batch_rows;
    for (std::int64_t done = 0, seed = 1; done < rows; done += batch_rows, ++seed) {
      const response_batch batch = bench::random_batch(plan, batch_rows, static_cast<std::uint64_t>(seed));
      accumulate(t, plan, batch, score(plan, batch));
    }
    t.flush();
    found = made.emplace(units, many_unit_survey{std::move(plan), std::move(t)}).first;
  }
  return found->second;
}

// state.range(0): units; state.range(1): threads.
void BM_finalize_many_units(benchmark::State& state) {
  const many_unit_survey& survey = survey_of(static_cast<int>(state.range(0)));
  report_options options;
  options.threads = static_cast<unsigned>(state.range(1));
  for (auto _ : state) {
    report r = finalize(survey.plan, survey.totals, options);
    benchmark::DoNotOptimize(r.units.data());
  }
}
BENCHMARK(BM_finalize_many_units)->Args({5000, 1})->Args({5000, 2})->Unit(benchmark::kMillisecond)->UseRealTime();

// A stream that counts what is written to it and keeps none of it: the JSON of 5,000 units is
// about 270 MB, and an ostringstream growing to that size took most of the time.
class counting_buffer : public std::streambuf {
 public:
  [[nodiscard]] std::int64_t bytes() const { return bytes_; }

 protected:
  std::streamsize xsputn(const char*, std::streamsize n) override {
    bytes_ += n;
    return n;
  }
  int_type overflow(int_type c) override {
    if (!traits_type::eq_int_type(c, traits_type::eof())) ++bytes_;
    return traits_type::not_eof(c);
  }

 private:
  std::int64_t bytes_ = 0;
};

// state.range(0): units; state.range(1): threads.
void BM_write_json_many_units(benchmark::State& state) {
  const many_unit_survey& survey = survey_of(static_cast<int>(state.range(0)));
  const report r = finalize(survey.plan, survey.totals);
  write_options options;
  options.threads = static_cast<unsigned>(state.range(1));
  std::int64_t bytes = 0;
  for (auto _ : state) {
    counting_buffer counted;
    std::ostream out(&counted);
    write_json(out, r, options);
    bytes = counted.bytes();
    benchmark::DoNotOptimize(bytes);
  }
  state.SetBytesProcessed(state.iterations() * bytes);
}
BENCHMARK(BM_write_json_many_units)->Args({5000, 1})->Args({5000, 2})->Unit(benchmark::kMillisecond)->UseRealTime();

// finalize and write_json together, the units' items made by finalize or deferred to the writer
// (report_options::defer_items, as `qscore score` does): the same bytes, and deferred, the
// report never holds the 5,000 units' item results (about 100 MB) at once.
// state.range(0): units; state.range(1): threads; state.range(2): 1 = items deferred.
void BM_report_many_units(benchmark::State& state) {
  const many_unit_survey& survey = survey_of(static_cast<int>(state.range(0)));
  report_options report_opts;
  report_opts.threads = static_cast<unsigned>(state.range(1));
  report_opts.defer_items = state.range(2) != 0;
  write_options write_opts;
  write_opts.threads = report_opts.threads;
  for (auto _ : state) {
    const report r = finalize(survey.plan, survey.totals, report_opts);
    counting_buffer counted;
    std::ostream out(&counted);
    write_json(out, r, write_opts);
    benchmark::DoNotOptimize(counted.bytes());
  }
}
BENCHMARK(BM_report_many_units)
    ->Args({5000, 1, 0})
    ->Args({5000, 1, 1})
    ->Args({5000, 2, 0})
    ->Args({5000, 2, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
