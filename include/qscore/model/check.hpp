// Every rule a definition must satisfy, whether it came from YAML or was built in code.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "qscore/core/diagnostic.hpp"
#include "qscore/model/instrument.hpp"

namespace qscore {

// Where each part of a definition was written: document path ("/items/3/weight") -> position.
// The YAML loader fills it; a definition built in code has none, and its diagnostics carry the
// path alone.
using source_map = std::map<std::string, source_location, std::less<>>;

// Checks the meaning of a definition and returns every problem found, not just the first:
// duplicate ids, dangling references, bad weights, shares that do not sum to 1, a weight budget
// that does not add up, scales without a scoring option, reverse keying on categorical scales,
// column clashes, out-of-range rules. Each diagnostic carries the document path and, when
// `where` knows it, the file position of the offending value.
[[nodiscard]] std::vector<diagnostic> check_instrument(const instrument& definition,
                                                       const source_map& where = {});

}  // namespace qscore

#include "qscore/model/impl/check_inl.hpp"
