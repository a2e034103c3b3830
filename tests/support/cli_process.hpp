// What every end-to-end test of the `qscore` binary needs: quoting an argument for the shell,
// reading back what the program wrote, and the outcome of one run. Each test file keeps its own
// fixture (its data and its work folder); this is the part they all share.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace qscore::cli_testing {

// `text` in single quotes for /bin/sh, with any single quote inside it escaped.
inline std::string quote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

// The whole file, bytes as they are; empty when it cannot be read.
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct run_result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

}  // namespace qscore::cli_testing
