// check_instrument(): placeholder being written (helper A).
#pragma once
#include "qscore/model/check.hpp"
namespace qscore {
inline std::vector<diagnostic> check_instrument(const instrument&, const source_map&) { return {}; }
}  // namespace qscore
