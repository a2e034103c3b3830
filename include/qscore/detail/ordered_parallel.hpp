// Work on items 0 .. n-1 spread over threads: parallel_for for work whose items are
// independent, render_in_order for results taken in item order on the calling thread (what a
// writer needs whose bytes must not depend on the thread count: the JSON report renders each
// unit on any thread and writes them in order).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <thread>
#include <type_traits>
#include <vector>

namespace qscore::detail {

// The threads a run uses: the count asked for, or every core for 0 (--threads, and the threads
// settings of score_file_options, report_options and write_options).
[[nodiscard]] inline unsigned resolved_threads(unsigned requested) noexcept {
  return requested == 0 ? std::max(1U, std::thread::hardware_concurrency()) : requested;
}

// Calls work(i) for i = 0 .. n-1 on up to `threads` threads (the caller's among them), in no
// set order: work must be safe to call concurrently for different items, and what it makes must
// not depend on which thread makes it. An exception it throws is rethrown here: on one thread
// at once, on several once every item has been tried (the lowest failing item's).
template <class Work>
void parallel_for(std::size_t n, unsigned threads, Work work) {
  threads = std::max(1U, threads);
  if (threads == 1 || n < 2) {
    for (std::size_t i = 0; i < n; ++i) work(i);
    return;
  }
  std::vector<std::exception_ptr> failures(n);
  std::atomic<std::size_t> next{0};
  auto take = [&] {
    for (std::size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) {
      try {
        work(i);
      } catch (...) {
        failures[i] = std::current_exception();
      }
    }
  };
  std::vector<std::thread> helpers;
  const std::size_t helper_count = std::min<std::size_t>(threads, n) - 1;
  helpers.reserve(helper_count);
  for (std::size_t t = 0; t < helper_count; ++t) helpers.emplace_back(take);
  take();
  for (auto& helper : helpers) helper.join();
  for (const auto& failure : failures)
    if (failure) std::rethrow_exception(failure);
}

// Calls consume(i, render(i)) for i = 0 .. n-1 in that order. render runs on up to `threads`
// threads (the caller's among them), `wave` items at a time, so that at most `wave` results
// wait in memory. render must be safe to call concurrently for different items; an exception
// it throws is rethrown here, on the calling thread, before any later item is consumed.
template <class Render, class Consume>
void render_in_order(std::size_t n, unsigned threads, std::size_t wave, Render render, Consume consume) {
  using result = std::invoke_result_t<Render&, std::size_t>;
  threads = std::max(1U, threads);
  wave = std::max<std::size_t>(1, wave);
  if (threads == 1 || n < 2) {
    for (std::size_t i = 0; i < n; ++i) consume(i, render(i));
    return;
  }
  std::vector<result> results;
  std::vector<std::exception_ptr> failures;
  for (std::size_t first = 0; first < n; first += wave) {
    const std::size_t count = std::min(wave, n - first);
    results.assign(count, result{});
    failures.assign(count, nullptr);
    // Each item's failure is kept with it, so that the items before it are still consumed.
    parallel_for(count, threads, [&](std::size_t k) {
      try {
        results[k] = render(first + k);
      } catch (...) {
        failures[k] = std::current_exception();
      }
    });
    for (std::size_t k = 0; k < count; ++k) {
      if (failures[k]) std::rethrow_exception(failures[k]);
      consume(first + k, std::move(results[k]));
    }
  }
}

}  // namespace qscore::detail
