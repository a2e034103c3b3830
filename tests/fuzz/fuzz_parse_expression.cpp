// libFuzzer target for the formula parser (and, on what parses, the evaluator). Built only with
// clang and -DQSCORE_BUILD_FUZZERS=ON (tests/fuzz/CMakeLists.txt), e.g.
//   CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DQSCORE_BUILD_FUZZERS=ON
//   cmake --build build-fuzz --target fuzz_parse_expression
//   build-fuzz/tests/fuzz/fuzz_parse_expression -max_total_time=120 \
//       -dict=tests/fuzz/expr.dict corpus-dir tests/fuzz/corpus/expr
// Any crash input goes to tests/fuzz/crashes/expr/, where expr_fuzz_replay_test replays it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "expr_fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string problem = qscore::fuzz::check_expression_input(text);
  if (!problem.empty()) {
    std::fprintf(stderr, "fuzz_parse_expression: %s\n", problem.c_str());
    __builtin_trap();
  }
  return 0;
}
