// What every end-to-end test of the `qscore` binary needs: quoting an argument for the shell,
// reading back what the program wrote, and the outcome of one run. Each test file keeps its own
// fixture (its data and its work folder); this is the part they all share.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

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

// Runs `binary ARGS...` through the shell (each argument quoted), with stdout and stderr sent
// to files in `work` and read back, and no standard input.
inline run_result run_binary(const std::string& binary, const std::vector<std::string>& args,
                             const std::filesystem::path& work) {
  std::string command = quote(binary);
  for (const auto& a : args) command += " " + quote(a);
  const auto out = work / "stdout";
  const auto err = work / "stderr";
  command += " >" + quote(out.string()) + " 2>" + quote(err.string()) + " </dev/null";
  const int status = std::system(command.c_str());
  run_result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

// root/<suite>.<test> for the running GoogleTest case, emptied and created. Call it from a
// fixture's SetUp (the caller includes gtest).
template <class UnitTest>
std::filesystem::path fresh_work_dir(const std::filesystem::path& root, const UnitTest& unit) {
  const auto* info = unit.current_test_info();
  const auto dir = root / (std::string(info->test_suite_name()) + "." + info->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace qscore::cli_testing
