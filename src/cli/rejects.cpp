// The CLI's handling of rejected rows beyond the report: the --rejects file and the
// --max-rejects threshold (declared in cli.hpp).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include "cli.hpp"
#include "qscore/io/write_csv.hpp"

namespace qscore::cli {

std::optional<reject_limit> parse_reject_limit(const std::string& text) {
  reject_limit limit;
  std::string number = text;
  if (!number.empty() && number.back() == '%') {
    limit.percent = true;
    number.pop_back();
  }
  if (number.empty() || number.find_first_not_of("0123456789.") != std::string::npos) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !std::isfinite(value) || value < 0.0) return std::nullopt;
  if (limit.percent && value > 100.0) return std::nullopt;
  if (!limit.percent && value != std::floor(value)) return std::nullopt;
  limit.value = value;
  return limit;
}

std::int64_t allowed_rejections(const reject_limit& limit, std::int64_t rows_read) {
  if (!limit.percent) return static_cast<std::int64_t>(limit.value);
  // floor(rows * p / 100), computed so that 1% of 100 rows is exactly 1.
  const auto allowed = static_cast<std::int64_t>(std::floor(static_cast<double>(rows_read) * limit.value / 100.0 + 1e-9));
  return std::max(allowed, limit.floor);
}

void complete_rejects(const std::string& responses, std::vector<row_rejection>& rows) {
  std::stable_sort(rows.begin(), rows.end(),
                   [](const row_rejection& a, const row_rejection& b) { return a.line < b.line; });
  // Physical lines still without their raw text (rows a consistency check rejected), read back
  // from the file. Line ends are counted as the reader counts them: LF, CRLF and a lone CR.
  std::map<std::int64_t, std::string> wanted;
  for (const auto& r : rows)
    if (r.raw.empty() && r.line > 0) wanted.emplace(r.line, std::string());
  if (wanted.empty()) return;
  std::ifstream in(responses, std::ios::binary);
  std::int64_t line = 1;
  std::string current;
  auto next = wanted.begin();
  char c = 0;
  bool after_cr = false;
  while (next != wanted.end() && in.get(c)) {
    if (after_cr && c == '\n') {  // the LF of a CRLF: the line already ended at the CR
      after_cr = false;
      continue;
    }
    after_cr = c == '\r';
    if (c == '\n' || c == '\r') {
      if (line == next->first) next++->second = std::move(current);
      current.clear();
      ++line;
      continue;
    }
    if (line == next->first && current.size() < 1024) current += c;
  }
  if (next != wanted.end() && line == next->first) next->second = std::move(current);  // no final line end
  for (auto& r : rows)
    if (r.raw.empty())
      if (const auto found = wanted.find(r.line); found != wanted.end()) r.raw = found->second;
}

void write_rejects(std::ostream& out, const std::vector<row_rejection>& rows) {
  // Every cell goes through the report writer's text escaping: quoted where needed, and a
  // leading = + - @ TAB or CR prefixed with ' so that a spreadsheet never runs it as a formula.
  out << "line,error_id,reason,raw\r\n";
  for (const auto& r : rows) {
    out << r.line << ',' << error_id(r.code) << ',' << detail::csv_text(r.message()) << ','
        << detail::csv_text(r.raw) << "\r\n";
  }
}

}  // namespace qscore::cli
