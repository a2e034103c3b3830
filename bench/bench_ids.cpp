// The duplicate respondent id check (R208), both ways score_file can do it, on N distinct ids
// cut into segments of 100,000 (what an 8 MiB segment of the bench pool holds):
//   BM_ids_row_by_row: each segment's hash set, then the file's set in the ordered merge
//                      (respondent_ids.hpp), every id in both: how a file with duplicates was
//                      read a second time before BM_ids_second_reading's way;
//   BM_ids_deferred:   each segment's fingerprints, then one look for a repeat at the end
//                      (id_fingerprints.hpp), as for a file without duplicates;
//   BM_ids_deferred_final_check: that last look alone, on 1 or 2 threads (the fingerprints
//                      are made by the threads reading the segments);
//   BM_ids_second_reading: what the reading again costs per id when that look found 10
//                      repeated fingerprints: only those ids are checked and kept
//                      (repeated_fingerprints), the others pass with one look-up.
//   BM_ids_store:      BM_ids_deferred through id_fingerprint_store, as score_file does it:
//                      with a 16 MB budget (the fingerprints beyond it in a temporary file)
//                      and with 1 GB (all in memory).
//   BM_ids_numeric:    ids written as plain numbers, as score_file checks them instead
//                      (numeric_id_bitmap.hpp): each id's text read as a number and marked in
//                      the bitmap (16 MB budget), then the list of repeats.
// All report ids per second; the ids are hashed beforehand, as the reader does per row (but
// BM_ids_numeric's start as text: the number read from it takes the hash's place).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "qscore/data/id_fingerprint_store.hpp"
#include "qscore/data/id_fingerprints.hpp"
#include "qscore/data/numeric_id_bitmap.hpp"
#include "qscore/data/respondent_ids.hpp"

namespace {

using namespace qscore;

constexpr std::size_t segment_ids = 100'000;

std::vector<std::vector<std::uint64_t>> segments_of(std::int64_t n) {
  std::vector<std::vector<std::uint64_t>> out;
  for (std::int64_t i = 0; i < n; ++i) {
    if (out.empty() || out.back().size() == segment_ids) out.emplace_back();
    out.back().push_back(respondent_id_set::hash(std::to_string(i + 1)));
  }
  return out;
}

void BM_ids_row_by_row(benchmark::State& state) {
  const auto segments = segments_of(state.range(0));
  for (auto _ : state) {
    respondent_id_set file;
    bool repeated = false;
    for (const auto& segment : segments) {
      respondent_id_set own;
      for (const std::uint64_t h : segment) repeated |= !own.insert(h);
      for (const std::uint64_t h : segment) repeated |= !file.insert(h);
    }
    benchmark::DoNotOptimize(repeated);
    state.counters["bytes_per_id"] = static_cast<double>(file.bytes()) / static_cast<double>(state.range(0));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ids_row_by_row)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

void BM_ids_deferred(benchmark::State& state) {
  const auto segments = segments_of(state.range(0));
  for (auto _ : state) {
    std::vector<id_fingerprints> parts;
    std::size_t bytes = 0;
    for (const auto& segment : segments) {
      parts.emplace_back(segment);
      bytes += parts.back().bytes();
    }
    benchmark::DoNotOptimize(id_fingerprints::repeated(parts));
    state.counters["bytes_per_id"] = static_cast<double>(bytes) / static_cast<double>(state.range(0));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ids_deferred)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

// The look for a repeat alone, as the merging thread does it once every segment is in (the
// fingerprints are made by the threads that read the segments).
void BM_ids_deferred_final_check(benchmark::State& state) {
  std::vector<id_fingerprints> parts;
  for (const auto& segment : segments_of(state.range(0))) parts.emplace_back(segment);
  const auto threads = static_cast<unsigned>(state.range(1));
  for (auto _ : state) benchmark::DoNotOptimize(id_fingerprints::repeated(parts, threads));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ids_deferred_final_check)
    ->ArgsProduct({{1'000'000, 10'000'000}, {1, 2}})
    ->ArgNames({"ids", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The deferred check as score_file runs it: the segments' fingerprints go into the store, which
// writes them to a temporary file once they pass its budget, then the look for a repeat (on
// two threads) reads them back. A budget of 1 GB keeps everything in memory.
void BM_ids_store(benchmark::State& state) {
  const auto segments = segments_of(state.range(0));
  const auto budget = static_cast<std::size_t>(state.range(1)) << 20;
  for (auto _ : state) {
    id_fingerprint_store store(budget);
    for (const auto& segment : segments) store.add(id_fingerprints(segment));
    benchmark::DoNotOptimize(store.repeated(2));
    state.counters["runs_written"] = static_cast<double>(store.runs_written());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ids_store)
    ->ArgsProduct({{10'000'000}, {16, 1024}})
    ->ArgNames({"ids", "budget_mb"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_ids_numeric(benchmark::State& state) {
  std::vector<std::string> ids;
  ids.reserve(static_cast<std::size_t>(state.range(0)));
  for (std::int64_t i = 0; i < state.range(0); ++i) ids.push_back(std::to_string(i + 1));
  for (auto _ : state) {
    numeric_id_bitmap numbers(id_fingerprint_store::default_memory_bytes);
    {
      numeric_id_bitmap::claimer claims(numbers);
      for (const auto& id : ids)
        if (const std::uint64_t n = numbers.number_of(id); n != numeric_id_bitmap::none) claims.claim(n);
    }
    benchmark::DoNotOptimize(numbers.repeated_fingerprints());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ids_numeric)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();

// The second reading of a file with duplicates: every id is looked up among the 10 repeated
// fingerprints; only those go into the segment's set and the file's.
void BM_ids_second_reading(benchmark::State& state) {
  const auto segments = segments_of(state.range(0));
  std::vector<std::uint64_t> repeats;
  for (std::size_t i = 0; i < 10; ++i) repeats.push_back(id_fingerprints::fingerprint(segments[i % segments.size()][i]));
  const repeated_fingerprints suspects(repeats);
  for (auto _ : state) {
    respondent_id_set file;
    std::size_t checked = 0;
    for (const auto& segment : segments) {
      respondent_id_set own;
      std::vector<std::uint64_t> kept;
      for (const std::uint64_t h : segment) {
        if (!suspects.may_repeat(h)) continue;
        ++checked;
        if (own.insert(h)) kept.push_back(h);
      }
      for (const std::uint64_t h : kept) file.insert(h);
    }
    benchmark::DoNotOptimize(checked);
    state.counters["bytes_per_id"] = static_cast<double>(file.bytes()) / static_cast<double>(state.range(0));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ids_second_reading)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

}  // namespace
