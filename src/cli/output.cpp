// Printing diagnostics and writing output files for the qscore tool.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

#include "cli.hpp"

namespace qscore::cli {

void print_error(std::string_view message) { std::cerr << "qscore: error: " << message << '\n'; }

void print_diagnostics(const std::vector<diagnostic>& diagnostics, bool with_warnings) {
  for (const auto& d : diagnostics)
    if (with_warnings || d.level == severity::error) std::cerr << d.to_string() << '\n';
}

namespace {

std::string system_error_text(int error_number) {
  return error_number != 0 ? std::string(": ") + std::strerror(error_number) : std::string();
}

// A name for the temporary file next to `target`: ".<name>.qscore-<random hex>.tmp".
std::filesystem::path temporary_name(const std::filesystem::path& target) {
  std::random_device device;
  const std::uint64_t bits = (std::uint64_t{device()} << 32U) ^ device();
  char hex[17];
  constexpr char digits[] = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) hex[i] = digits[(bits >> (4U * static_cast<unsigned>(i))) & 0xFU];
  hex[16] = '\0';
  return target.parent_path() / ("." + target.filename().string() + ".qscore-" + hex + ".tmp");
}

}  // namespace

std::optional<std::string> write_file_atomically(const std::string& path,
                                                 const std::function<void(std::ostream&)>& write) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  std::error_code ec;
  if (target.filename().empty() || fs::is_directory(target, ec))
    return "cannot write '" + path + "': it is a directory";
  const fs::path temporary = temporary_name(target);
  {
    errno = 0;
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return "cannot create a temporary file for '" + path + "'" + system_error_text(errno);
    try {
      write(out);
    } catch (...) {
      out.close();
      fs::remove(temporary, ec);
      throw;
    }
    out.flush();
    errno = 0;
    out.close();
    if (out.fail()) {
      const int error_number = errno;
      fs::remove(temporary, ec);
      return "cannot write '" + path + "'" + system_error_text(error_number);
    }
  }
  fs::rename(temporary, target, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    return "cannot replace '" + path + "': " + ec.message();
  }
  return std::nullopt;
}

}  // namespace qscore::cli
