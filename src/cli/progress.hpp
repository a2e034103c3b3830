// A progress line on stderr for long runs: only when stderr is a terminal, first drawn after a
// second, then redrawn at most five times a second; cleared when the run ends. --quiet turns it off.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>

namespace qscore::cli {

class progress_bar {
 public:
  progress_bar(const std::string& file, bool wanted)
      : enabled_(wanted && ::isatty(STDERR_FILENO) == 1), start_(clock::now()), last_(start_) {
    std::error_code error;
    bytes_ = std::filesystem::file_size(file, error);
    if (error) bytes_ = 0;
  }
  progress_bar(const progress_bar&) = delete;
  progress_bar& operator=(const progress_bar&) = delete;
  ~progress_bar() { finish(); }

  [[nodiscard]] bool enabled() const { return enabled_; }

  void update(std::int64_t rows) {
    if (!enabled_) return;
    const auto now = clock::now();
    if (now - start_ < std::chrono::seconds(1) || now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    std::fprintf(stderr, "\r  scored %lld rows (%.1f M rows/s) of a %.0f MB file ",
                 static_cast<long long>(rows), static_cast<double>(rows) / seconds / 1e6,
                 static_cast<double>(bytes_) / 1e6);
    std::fflush(stderr);
    drawn_ = true;
  }

  void finish() {
    if (!drawn_) return;
    std::fprintf(stderr, "\r\033[K");  // clear the line
    std::fflush(stderr);
    drawn_ = false;
  }

 private:
  using clock = std::chrono::steady_clock;
  bool enabled_;
  bool drawn_ = false;
  std::uint64_t bytes_ = 0;
  clock::time_point start_, last_;
};

}  // namespace qscore::cli
