// libFuzzer target for the YAML definition loader (guard pass, yaml-cpp, schema walk, semantic
// checks, and compile on success). Built only with clang and -DQSCORE_BUILD_FUZZERS=ON; see
// tests/fuzz/README.md. Crash inputs go to tests/fuzz/crashes/definition/, replayed by
// tests/unit/fuzz_replay_test.cpp.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "definition_fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string problem = qscore::fuzz::check_definition_input(text);
  if (!problem.empty()) {
    std::fprintf(stderr, "fuzz_load_definition: %s\n", problem.c_str());
    __builtin_trap();
  }
  return 0;
}
