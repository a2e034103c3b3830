// The single source of the library version; CMake parses these three lines.
#pragma once

#define QSCORE_VERSION_MAJOR 0
#define QSCORE_VERSION_MINOR 1
#define QSCORE_VERSION_PATCH 0

namespace qscore {
inline constexpr const char* version_string = "0.1.0";
}  // namespace qscore
