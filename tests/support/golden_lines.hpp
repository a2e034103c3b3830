// Reading a golden file for comparison: its lines without line ends (CRLF or LF, so a checkout
// that converts line ends still compares), and without trailing empty lines.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace qscore::test_support {

inline std::vector<std::string> read_lines(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

}  // namespace qscore::test_support
