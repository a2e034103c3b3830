// Loading a YAML questionnaire definition. Compiled in src/ (the only place yaml-cpp is used);
// this header does not include yaml-cpp.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "qscore/core/diagnostic.hpp"
#include "qscore/definition/limits.hpp"
#include "qscore/model/check.hpp"
#include "qscore/model/instrument.hpp"

namespace qscore {

struct loaded_definition {
  instrument definition;
  source_map where;  // document path -> file position, for later diagnostics
};

// Parses the YAML and checks its structure (unknown, duplicate or missing keys, wrong types, bad
// numbers), then runs check_instrument. Every problem is reported, each with file:line:column,
// the document path and a stable id. Warnings may accompany a successful result.
[[nodiscard]] result<loaded_definition> load_definition(const std::filesystem::path& file);

// The same for YAML text already in memory; `name` is used as the file name in diagnostics.
[[nodiscard]] result<loaded_definition> load_definition_from_string(std::string_view yaml_text,
                                                                    std::string name = "<string>");

// The same under other limits than the defaults (definition/limits.hpp): a file or text that
// breaks one is refused with D008-D011 before it is parsed or while it is, in bounded time and
// memory. Anchors, aliases and merge keys are always refused (D012).
[[nodiscard]] result<loaded_definition> load_definition(const std::filesystem::path& file,
                                                        const definition_limits& limits);
[[nodiscard]] result<loaded_definition> load_definition_from_string(std::string_view yaml_text, std::string name,
                                                                    const definition_limits& limits);

}  // namespace qscore
