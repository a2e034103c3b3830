// Diagnostic timeline for the device run only (never committed): QSCORE_TRACE=1 prints one line
// per event to stderr at exit: wall microseconds since start, and the thread's CPU microseconds.
#pragma once
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <string>
#include <vector>
namespace qscore_trace {
inline const auto t0 = std::chrono::steady_clock::now();
inline const bool on = std::getenv("QSCORE_TRACE") != nullptr;
inline std::mutex lock;
inline std::vector<std::string> lines;
inline long wall_us() {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count());
}
inline long cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}
inline void event(const char* what, long a = 0, long b = 0, long c = 0, long d = 0) {
  if (!on) return;
  char buf[200];
  std::snprintf(buf, sizeof buf, "%s %ld %ld %ld %ld\n", what, a, b, c, d);
  std::lock_guard g(lock);
  lines.emplace_back(buf);
}
struct dumper {
  ~dumper() {
    if (!on) return;
    for (const auto& l : lines) std::fputs(l.c_str(), stderr);
  }
};
inline dumper dump_at_exit;
}  // namespace qscore_trace
