// render_in_order: every item rendered once, consumed in item order on the calling thread,
// whatever the thread count and wave size; a failure surfaces before any later item.
// parallel_for: every item done once, whatever the thread count; the lowest failing item's
// failure surfaces (on several threads after every item was tried).
#include "qscore/detail/ordered_parallel.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using qscore::detail::parallel_for;
using qscore::detail::render_in_order;

TEST(render_in_order, consumes_every_item_once_in_order_for_any_threads_and_wave) {
  for (const unsigned threads : {1U, 2U, 3U, 8U})
    for (const std::size_t wave : {std::size_t{1}, std::size_t{5}, std::size_t{24}, std::size_t{1000}})
      for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{100}}) {
        std::atomic<int> renders{0};
        std::vector<std::size_t> order;
        const auto caller = std::this_thread::get_id();
        bool consumed_elsewhere = false;
        render_in_order(
            n, threads, wave,
            [&](std::size_t i) {
              ++renders;
              return std::to_string(i * i);  // a result owning memory, moved to the consumer
            },
            [&](std::size_t i, std::string&& text) {
              if (std::this_thread::get_id() != caller) consumed_elsewhere = true;
              EXPECT_EQ(text, std::to_string(i * i));
              order.push_back(i);
            });
        EXPECT_EQ(renders.load(), static_cast<int>(n)) << threads << " " << wave << " " << n;
        ASSERT_EQ(order.size(), n);
        for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(order[i], i);
        EXPECT_FALSE(consumed_elsewhere);
      }
}

TEST(render_in_order, rethrows_a_failure_before_consuming_any_later_item) {
  for (const unsigned threads : {1U, 4U}) {
    std::vector<std::size_t> consumed;
    EXPECT_THROW(render_in_order(
                     50, threads, 8,
                     [](std::size_t i) {
                       if (i == 19) throw std::runtime_error("unit 19");
                       return static_cast<int>(i);
                     },
                     [&](std::size_t i, int) { consumed.push_back(i); }),
                 std::runtime_error);
    // Items 0..18 may be consumed (waves of 8: 0..15 surely); none from 19 on.
    ASSERT_GE(consumed.size(), 16U) << threads;
    for (std::size_t k = 0; k < consumed.size(); ++k) EXPECT_EQ(consumed[k], k);
    EXPECT_LT(consumed.back(), 19U);
  }
}

TEST(parallel_for, does_every_item_once_for_any_threads) {
  for (const unsigned threads : {1U, 2U, 3U, 8U})
    for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{100}}) {
      std::vector<std::atomic<int>> done(n);
      parallel_for(n, threads, [&](std::size_t i) { ++done[i]; });
      for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(done[i].load(), 1) << threads << " " << n << " " << i;
    }
}

TEST(parallel_for, rethrows_the_first_failing_items_failure_after_trying_every_item) {
  for (const unsigned threads : {1U, 4U}) {
    std::atomic<int> tried{0};
    try {
      parallel_for(50, threads, [&](std::size_t i) {
        ++tried;
        if (i == 19 || i == 31) throw std::runtime_error("item " + std::to_string(i));
      });
      ADD_FAILURE() << "no exception, threads " << threads;
    } catch (const std::runtime_error& e) {
      // The lowest failing item's failure; one thread stops there, several try every item.
      EXPECT_EQ(std::string(e.what()), "item 19") << threads;
      EXPECT_EQ(tried.load(), threads == 1 ? 20 : 50) << threads;
    }
  }
}

}  // namespace
