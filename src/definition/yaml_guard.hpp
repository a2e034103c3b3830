// The guard pass over a YAML definition, run before yaml-cpp builds any node (see
// load_definition.cpp, which calls it at one spot). yaml-cpp 0.7 on its own accepts alias bombs
// that explode when walked, `&a [*a]` cycles, nesting up to 500 levels (then fails with an
// unhelpful message) and, through LoadAll, loops forever on a stray ','. The guard runs
// yaml-cpp's event parser (YAML::Parser + YAML::EventHandler) over the first document only and
// stops at the first event that breaks a limit, so every refusal costs time and memory bounded by
// the limits, not by the input. Private to src/: it includes yaml-cpp.
#pragma once

#include <yaml-cpp/mark.h>

#include <optional>
#include <string>

#include "qscore/core/diagnostic.hpp"
#include "qscore/definition/limits.hpp"

namespace qscore::detail {

// The first limit broken, with the position yaml-cpp gave for it (0-based; the loader turns it
// into line and column).
struct yaml_refusal {
  errc code = errc::yaml_syntax;
  YAML::Mark mark = YAML::Mark::null_mark();
  std::string message;
};

struct yaml_guard_result {
  bool empty = false;                    // the text holds no document at all
  std::optional<yaml_refusal> refusal;   // the first document breaks a limit
  YAML::Mark second_document = YAML::Mark::null_mark();  // where a second document starts, if any
};

// Size is not checked here (the caller has to check it before reading a file). Throws
// YAML::Exception on a syntax error, as yaml-cpp's parser does.
[[nodiscard]] yaml_guard_result guard_yaml(const std::string& text, const definition_limits& limits);

}  // namespace qscore::detail
