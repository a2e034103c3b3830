// The CLI's handling of rejected rows beyond the report: the --rejects file and the
// --max-rejects threshold (declared in cli.hpp).
#include <cmath>
#include <cstdlib>
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
