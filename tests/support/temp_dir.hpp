// A scratch folder for one test process. CTest runs each test case as its own process, several
// at once (-j), so a fixed folder shared by all of them would let one process truncate a file
// another is reading; the process id keeps them apart.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

namespace qscore::test_support {

// temp/<name>_<pid>, created if needed.
inline std::filesystem::path temp_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / (name + "_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace qscore::test_support
