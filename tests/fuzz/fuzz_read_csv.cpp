// libFuzzer target for the CSV reader over text in memory, against the small appraisal's plan,
// read once in one chunk and once in tiny chunks and batches, then against a twelve-item plan
// with the AVX-512 answer-run decoder on and off (csv_fuzz_check.hpp). Built only with clang and
// -DQSCORE_BUILD_FUZZERS=ON; see tests/fuzz/README.md. Crash inputs go to
// tests/fuzz/crashes/csv/, replayed by tests/unit/fuzz_replay_test.cpp.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "csv_fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string problem = qscore::fuzz::check_csv_input(text);
  if (!problem.empty()) {
    std::fprintf(stderr, "fuzz_read_csv: %s\n", problem.c_str());
    __builtin_trap();
  }
  return 0;
}
