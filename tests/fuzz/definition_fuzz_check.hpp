// What the definition fuzz target checks for one input, shared with the replay test
// (tests/unit/fuzz_replay_test.cpp) so that a committed crash input is checked the same way in
// ordinary CTest runs.
//
// For any bytes, load_definition_from_string() must return (no crash, no exception, no
// sanitizer report, no endless loop, bounded memory: the guard's limits), and:
//   - a failure carries at least one error; every diagnostic names the file it was given, has a
//     D id and a message, and a known position lies inside the text (line <= line breaks + 1);
//   - a success compiles to a scoring plan (the loader's checks are the plan's checks).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "qscore/definition/load.hpp"
#include "qscore/plan/scoring_plan.hpp"

namespace qscore::fuzz {

// "" when every property holds, else what went wrong.
inline std::string check_definition_input(std::string_view text) {
  const std::string name = "fuzz.yaml";
  const result<loaded_definition> loaded = load_definition_from_string(text, name);
  // Any of \n, \r\n or a lone \r is a line break: counting \n and \r bounds the lines from above.
  const auto breaks = static_cast<std::int64_t>(std::count(text.begin(), text.end(), '\n') +
                                                std::count(text.begin(), text.end(), '\r'));
  for (const diagnostic& d : loaded.diagnostics()) {
    if (d.where.file != name) return "diagnostic without the file name: " + d.to_string();
    if (d.message.empty()) return "empty message: " + d.to_string();
    if (error_id(d.code).front() != 'D') return "not a definition id: " + d.to_string();
    if (d.where.known() && (d.where.line > breaks + 1 || d.where.column < 1))
      return "position out of the text: " + d.to_string();
  }
  if (!loaded) {
    if (!has_errors(loaded.diagnostics())) return "a failed load without an error";
    return "";
  }
  if (has_errors(loaded.diagnostics())) return "a successful load with an error";
  const result<scoring_plan> plan = compile(loaded->definition);
  if (!plan)
    return "loaded but does not compile: " +
           (plan.diagnostics().empty() ? std::string("(no diagnostic)") : plan.diagnostics().front().to_string());
  return "";
}

}  // namespace qscore::fuzz
