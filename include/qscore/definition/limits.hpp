// Limits on a YAML definition, checked before and while it is parsed, so that a hostile or
// mistaken file (an alias bomb, 100,000 nested '[', a 100 MB scalar, a log file given by mistake)
// is refused in milliseconds and bounded memory instead of exhausting the machine. The defaults
// are far above what a questionnaire needs: the appraisal example is 4.2 KiB, nests 6 levels
// deep and has 436 nodes.
#pragma once

#include <cstddef>
#include <cstdint>

namespace qscore {

struct definition_limits {
  // D008: the file (or text) in bytes. A file is measured with stat before it is read.
  std::uint64_t max_bytes = std::uint64_t{4} << 20;  // 4 MiB
  // D009: sequences and mappings inside each other (the top-level mapping is depth 1).
  // yaml-cpp 0.7 stops at 500 on its own, so values above 500 act as 500.
  int max_depth = 64;
  // D010: YAML nodes in the document: every key, value, sequence and mapping counts one.
  std::size_t max_nodes = 200'000;
  // D011: bytes in one scalar (a key, an id, a label, a formula).
  std::size_t max_scalar_bytes = std::size_t{64} << 10;  // 64 KiB
};

}  // namespace qscore
