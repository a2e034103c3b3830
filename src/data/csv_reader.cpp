// The streaming CSV reader (see include/qscore/data/csv_reader.hpp for the contract).
//
// How it works
// ------------
// Bytes come from a byte_source (a file descriptor read with POSIX read(), or text held in
// memory) at most `chunk_bytes` at a time, into one buffer. The buffer keeps the record being
// parsed; whatever lies before it has been handed out already and is dropped by moving the
// unfinished record to the front before the next read. The buffer only grows when a single
// record fills it completely, so memory is bounded by max(chunk_bytes, ~2 x the longest record),
// never by the file size. In-memory text is served through the same reads, chunk for chunk, so
// tests can exercise every chunk boundary with tiny chunk sizes.
//
// Records are split by a small resumable state machine (RFC 4180, plus the lenient readings most
// spreadsheet exports need, noted at each state). When the data runs out in the middle of a
// record, the scanner keeps its state and positions *relative to the record start*, so after
// the next read it resumes where it stopped: every byte is examined once, even for a record
// (e.g. a long quoted text) that spans many chunks.
//
// Fields are handed to the batch builder as string_views into the buffer. Only a quoted field
// that contains a doubled quote ("") or text after its closing quote needs its bytes rewritten;
// those go to a scratch string reused from record to record. So the common path allocates
// nothing per field or per row.
//
// Line numbers are physical: a record's line is the line where it starts, and a line break
// inside a quoted field moves the following records down, just as an editor shows them.
// LF, CRLF and a lone CR each end one line.
#include "qscore/data/csv_reader.hpp"

#include <fcntl.h>
#include <iconv.h>
#include <sys/types.h>
#include <unistd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "qscore/data/batch_builder.hpp"
#include "qscore/detail/short_text_cache.hpp"
#include "qscore/detail/text_hash.hpp"
#include "staged_codes.hpp"
#include "utf8_check.hpp"
#include "wide_cells.hpp"

namespace qscore {
namespace {

constexpr std::size_t npos = static_cast<std::size_t>(-1);

// How much of the file start is checked for byte-order marks and NUL bytes (UTF-16/32 text
// without a BOM has a NUL in almost every other byte, binary files nearly always have one).
constexpr std::size_t sniff_bytes = 4096;

// A batch also ends once it holds this many rejections (or batch_rows, if larger), so that a file
// whose every row is bad still streams in bounded memory.
constexpr std::size_t min_rejections_per_batch = 4096;

// Shown in rejections of rows with an unterminated quote: enough to find the place.
constexpr std::size_t unterminated_preview = 40;

// What a rejection keeps of a record longer than max_record_bytes (R210).
constexpr std::size_t long_record_kept = 1024;

std::string system_message(int error_number) {
  // std::generic_category().message() is strerror() text without strerror's shared buffer.
  return std::generic_category().message(error_number);
}

// Cuts `text` to at most `limit` bytes without splitting a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) --cut;
  return text.substr(0, cut);
}

// Where the bytes come from. Both kinds are read through read(), so a file and a string go
// through exactly the same chunking and parsing. With a declared encoding other than UTF-8, the
// raw bytes go through iconv first and read() hands out UTF-8: the parser never sees the
// original bytes, and offsets it reports for ranges are offsets in the decoded stream (so a
// transcoded file is read in one piece).
class byte_source {
 public:
  explicit byte_source(int fd) : fd_(fd) {}
  explicit byte_source(std::string text) : text_(std::move(text)) {}
  byte_source(const byte_source&) = delete;
  byte_source& operator=(const byte_source&) = delete;
  ~byte_source() {
    if (fd_ >= 0) ::close(fd_);
    if (converter_ != reinterpret_cast<iconv_t>(-1)) ::iconv_close(converter_);
  }

  // Moves a file's read position; in-memory text cannot be split into ranges.
  bool seek(std::uint64_t offset) {
    if (fd_ < 0) {
      errno = ESPIPE;
      return false;
    }
    return ::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) >= 0;
  }

  [[nodiscard]] bool is_file() const { return fd_ >= 0; }
  [[nodiscard]] bool transcodes() const { return converter_ != reinterpret_cast<iconv_t>(-1); }

  // Decodes GB18030 from here on (glibc's iconv; GBK is a subset). False when iconv lacks it.
  bool decode_from(const char* encoding) {
    converter_ = ::iconv_open("UTF-8", encoding);
    return transcodes();
  }

  // Reads up to `size` bytes into `into`: the count read, 0 at the end, -1 on an error (errno),
  // -2 when the raw bytes at raw_error_offset() cannot be decoded.
  std::ptrdiff_t read(char* into, std::size_t size) {
    if (!transcodes()) return read_raw(into, size);
    for (;;) {
      if (raw_begin_ == raw_end_ || incomplete_) {
        if (!raw_eof_) {
          if (raw_begin_ > 0) {  // keep the unconverted tail at the front
            std::memmove(raw_.data(), raw_.data() + raw_begin_, raw_end_ - raw_begin_);
            raw_end_ -= raw_begin_;
            raw_begin_ = 0;
          }
          const std::ptrdiff_t got = read_raw(raw_.data() + raw_end_, raw_.size() - raw_end_);
          if (got < 0) return got;
          if (got == 0) raw_eof_ = true;
          raw_end_ += static_cast<std::size_t>(got);
          incomplete_ = false;
        }
        if (raw_begin_ == raw_end_) return 0;
        if (incomplete_ && raw_eof_) {  // a sequence cut off by the end of the file
          raw_error_offset_ = raw_consumed_;
          return -2;
        }
      }
      char* in = raw_.data() + raw_begin_;
      std::size_t in_left = raw_end_ - raw_begin_;
      char* out = into;
      std::size_t out_left = size;
      const std::size_t converted = ::iconv(converter_, &in, &in_left, &out, &out_left);
      const int error_number = errno;
      const auto used = static_cast<std::size_t>(in - (raw_.data() + raw_begin_));
      raw_begin_ += used;
      raw_consumed_ += used;
      const auto produced = static_cast<std::ptrdiff_t>(size - out_left);
      if (converted == static_cast<std::size_t>(-1) && error_number == EINVAL) incomplete_ = true;
      if (produced > 0) return produced;
      if (converted == static_cast<std::size_t>(-1) && error_number == EILSEQ) {
        raw_error_offset_ = raw_consumed_;
        return -2;
      }
      if (converted == static_cast<std::size_t>(-1) && error_number == E2BIG) return 0;  // size 0
    }
  }

  [[nodiscard]] std::uint64_t raw_error_offset() const { return raw_error_offset_; }

  // Up to `size` raw bytes at `offset` (for locating an error): the count, or -1.
  std::ptrdiff_t read_at(std::uint64_t offset, char* into, std::size_t size) const {
    if (fd_ < 0) {
      if (offset >= text_.size()) return 0;
      const std::size_t n = std::min<std::size_t>(size, text_.size() - static_cast<std::size_t>(offset));
      std::memcpy(into, text_.data() + offset, n);
      return static_cast<std::ptrdiff_t>(n);
    }
    for (;;) {
      const ssize_t got = ::pread(fd_, into, size, static_cast<off_t>(offset));
      if (got >= 0 || errno != EINTR) return got;
    }
  }

 private:
  std::ptrdiff_t read_raw(char* into, std::size_t size) {
    if (fd_ < 0) {
      const std::size_t n = std::min(size, text_.size() - offset_);
      std::memcpy(into, text_.data() + offset_, n);
      offset_ += n;
      return static_cast<std::ptrdiff_t>(n);
    }
    for (;;) {
      const ssize_t got = ::read(fd_, into, size);
      if (got >= 0 || errno != EINTR) return got;
    }
  }

  int fd_ = -1;
  std::string text_;
  std::size_t offset_ = 0;
  // Transcoding: raw bytes [raw_begin_, raw_end_) are read but not yet converted.
  iconv_t converter_ = reinterpret_cast<iconv_t>(-1);
  std::vector<char> raw_ = std::vector<char>(std::size_t{1} << 16);
  std::size_t raw_begin_ = 0, raw_end_ = 0;
  bool raw_eof_ = false;
  bool incomplete_ = false;       // the raw tail is the start of a sequence: read more first
  std::uint64_t raw_consumed_ = 0;  // raw bytes converted so far
  std::uint64_t raw_error_offset_ = 0;
};

// 1-based line and column (in bytes) of file offset `offset`, counting LF, CRLF and a lone CR as
// one line end each, as the reader does. Reads the source again from the start: only used on the
// way to a file-level error.
struct text_position {
  std::int64_t line = 1, column = 1;
  std::uint64_t line_start = 0;
};
text_position locate(const byte_source& source, std::uint64_t offset) {
  text_position at;
  std::vector<char> chunk(std::size_t{1} << 16);
  bool after_cr = false;
  for (std::uint64_t o = 0; o < offset;) {
    const std::ptrdiff_t got =
        source.read_at(o, chunk.data(), static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), offset - o)));
    if (got <= 0) break;
    for (std::ptrdiff_t i = 0; i < got; ++i) {
      const char c = chunk[static_cast<std::size_t>(i)];
      const std::uint64_t here = o + static_cast<std::uint64_t>(i);
      if (c == '\n') {
        if (!after_cr) ++at.line;
        at.line_start = here + 1;
      } else if (c == '\r') {
        ++at.line;
        at.line_start = here + 1;
      }
      after_cr = c == '\r';
    }
    o += static_cast<std::uint64_t>(got);
  }
  at.column = static_cast<std::int64_t>(offset - at.line_start) + 1;
  return at;
}

// "E5 A5" for the bytes at `offset`: at most 4, up to the next ASCII byte.
std::string hex_bytes(const byte_source& source, std::uint64_t offset, std::size_t count) {
  std::array<char, 4> bytes{};
  const std::ptrdiff_t got = source.read_at(offset, bytes.data(), std::min<std::size_t>(count, 4));
  std::string out;
  for (std::ptrdiff_t i = 0; i < got; ++i) {
    static constexpr char digits[] = "0123456789ABCDEF";
    const auto b = static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
    if (i > 0 && b < 0x80) break;
    if (!out.empty()) out += ' ';
    out += digits[b >> 4U];
    out += digits[b & 0xFU];
  }
  return out;
}

// Whether the line starting at `line_start` decodes as GB18030 as a whole: only a hint in a
// message, nothing is decoded on its strength.
bool line_decodes_as_gb18030(const byte_source& source, std::uint64_t line_start) {
  std::vector<char> text(std::size_t{1} << 16);
  const std::ptrdiff_t got = source.read_at(line_start, text.data(), text.size());
  if (got <= 0) return false;
  std::size_t n = static_cast<std::size_t>(got);
  for (std::size_t i = 0; i < n; ++i)
    if (text[i] == '\n' || text[i] == '\r') {
      n = i;
      break;
    }
  const iconv_t cd = ::iconv_open("UTF-8", "GB18030");
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;
  std::vector<char> decoded(4 * n + 4);
  char* in = text.data();
  std::size_t in_left = n;
  char* out = decoded.data();
  std::size_t out_left = decoded.size();
  const std::size_t converted = ::iconv(cd, &in, &in_left, &out, &out_left);
  ::iconv_close(cd);
  return converted != static_cast<std::size_t>(-1) && in_left == 0;
}

}  // namespace

struct csv_reader::impl {
  impl(const scoring_plan& scoring, csv_options opts, std::string source_name, int fd,
       std::string text)
      : plan(&scoring),
        options(opts),
        name(std::move(source_name)),
        source(fd >= 0 ? byte_source(fd) : byte_source(std::move(text))),
        builder(scoring, std::max<Eigen::Index>(opts.batch_rows, 1)) {
    options.chunk_bytes = std::max<std::size_t>(options.chunk_bytes, 1);
    options.batch_rows = std::max<Eigen::Index>(options.batch_rows, 1);
    capacity = options.chunk_bytes;
    buffer = std::make_unique_for_overwrite<char[]>(capacity);
    wide = options.wide_cells && detail::wide_cells_available();
    if (options.defer_duplicate_ids && options.numeric_ids != nullptr) numeric_claims.emplace(*options.numeric_ids);
    // The bytes that end an unquoted field.
    stops[static_cast<unsigned char>(options.delimiter)] = true;
    stops[static_cast<unsigned char>('\n')] = true;
    stops[static_cast<unsigned char>('\r')] = true;
  }

  // ---- configuration -------------------------------------------------------------------------
  const scoring_plan* plan;  // not owned: like the batch builder, the reader needs the plan alive
  csv_options options;
  std::string name;
  byte_source source;
  batch_builder builder;
  std::array<bool, 256> stops{};

  // ---- the header: which field holds what ----------------------------------------------------
  std::vector<std::string> header;  // names, trimmed
  std::size_t respondent_column = npos, group_column = npos, unit_column = npos,
              weight_column = npos, stratum_column = npos;
  std::vector<std::size_t> item_columns;  // plan item j -> field index

  // ---- the buffer: [0, begin) is consumed, [begin, end) is valid, capacity is allocated -------
  std::unique_ptr<char[]> buffer;
  std::size_t capacity = 0;
  std::size_t begin = 0;  // start of the record in progress (nothing before it is needed)
  std::size_t pos = 0;    // next byte the scanner looks at
  std::size_t end = 0;
  bool at_eof = false;
  bool failed = false;
  std::uint64_t buffer_offset = 0;  // file offset of buffer[0]
  detail::utf8_state utf8;          // the UTF-8 check, carried from read to read
  std::uint64_t nul_until = 0;      // NUL bytes were read somewhere before this file offset
  bool validating = false;          // check_bytes() is on
  bool wide = false;  // the AVX-512 paths are on (csv_options::wide_cells, and the processor has them)

  // ---- a byte range of the file (see csv_range) ------------------------------------------------
  std::uint64_t range_end = std::numeric_limits<std::uint64_t>::max();
  bool range_done = false;        // the next record starts at or after range_end
  bool saw_quoted_break = false;  // a quoted field held a line break (see csv_range)
  bool header_ends_with_lf = false;

  // ---- the scanner's state; positions are relative to `begin` so they survive compaction ----
  enum class state : std::uint8_t {
    between_records,   // skipping blank lines and the LF of a CRLF
    field_start,       // at the first byte of a field
    unquoted,          // inside an unquoted field (a quote here is an ordinary character)
    quoted,            // inside "..."
    quote_in_quoted,   // just after a quote inside "...": a doubled quote or the closing one
    after_quote_text,  // text after the closing quote, as in "ab"c: kept (lenient), like Excel
  };
  struct field_span {
    std::size_t from = 0, to = 0;  // relative to `begin`
    bool escaped = false;          // raw bytes from after the opening quote: must be unquoted
  };
  state scan_state = state::between_records;
  std::size_t field_from = 0;  // current field: first content byte, relative to `begin`
  bool field_escaped = false;
  bool skip_lf = false;           // the last line ended with CR: an LF right after belongs to it
  std::int64_t record_breaks = 0;  // line breaks inside quoted fields of the current record
  // The fields found so far. A hand-kept count rather than push_back: this runs once per field,
  // and the vector only ever grows to the widest record.
  std::vector<field_span> spans;
  std::size_t span_count = 0;
  std::size_t escaped_bytes = 0;  // raw bytes of this record's escaped fields

  // ---- the finished record (valid until the next call of next_record) -----------------------
  std::vector<std::string_view> fields;
  std::string scratch;  // rewritten fields of this record ("a""b" -> a"b)
  std::int64_t record_line = 0;
  std::int64_t line = 1;       // the physical line where the next record would start
  bool unterminated = false;   // a quoted field of the record never closed (see give_up_quote)
  std::size_t unterminated_field = 0;
  std::string unterminated_text;  // from the opening quote to the end of its line
  std::size_t raw_end = 0;        // the record's raw bytes are buffer[begin, raw_end)
  // A record longer than max_record_bytes: skipped, and rejected with what is kept of it.
  bool too_long = false;
  std::uint64_t too_long_bytes = 0;  // the line's length; 0 = "more than the limit" (see below)
  std::string too_long_raw;
  // Respondent ids taken in so far (as hashes), for R208; see csv_options::reject_duplicate_ids.
  bool check_ids = false;
  respondent_id_set ids;
  std::vector<std::uint64_t> claimed;  // with options.record_ids: each id taken in, in row order
  std::size_t claimed_room = 0;        // ids to reserve at the first (reserve_claimed_ids)
  // With options.numeric_ids (deferred check): this reader's claims of ids written as numbers,
  // published to the shared bitmap as they go and, at the latest, when the reader is destroyed.
  std::optional<numeric_id_bitmap::claimer> numeric_claims;
  std::vector<std::string_view> cells;  // the item cells, in plan item order

  std::int64_t rows = 0;
  std::vector<diagnostic> errors;

  // ---- reading ------------------------------------------------------------------------------

  // Reads the next chunk. Before that, drops the consumed bytes (moving the unfinished record to
  // the front) when the free tail is shorter than a chunk, and grows the buffer only when one
  // record fills all of it.
  void fill() {
    if (capacity - end < options.chunk_bytes && begin > 0) {
      buffer_offset += begin;
      std::memmove(buffer.get(), buffer.get() + begin, end - begin);
      pos -= begin;
      end -= begin;
      begin = 0;
    }
    if (end == capacity) {
      // Doubling keeps the copying linear even for a record of many megabytes.
      const std::size_t bigger = std::max(capacity * 2, options.chunk_bytes);
      auto grown = std::make_unique_for_overwrite<char[]>(bigger);
      std::memcpy(grown.get(), buffer.get(), end);
      buffer = std::move(grown);
      capacity = bigger;
    }
    const std::ptrdiff_t got =
        source.read(buffer.get() + end, std::min(options.chunk_bytes, capacity - end));
    if (got == -2) {
      undecodable(source.raw_error_offset());
      return;
    }
    if (got < 0) {
      const int error_number = errno;
      failed = true;
      diagnostic d;
      d.code = errc::file_io;
      d.message = "cannot read '" + name + "': " + system_message(error_number);
      d.where.file = name;
      errors.push_back(std::move(d));
      return;
    }
    if (got == 0) {
      at_eof = true;
      // A sequence cut off by the end of the file.
      if (validating && !source.transcodes() && utf8.need > 0) invalid_utf8(utf8.start);
      return;
    }
    const std::size_t from = end;
    end += static_cast<std::size_t>(got);
    check_bytes(from, end);
  }

  // Checks buffer[from, to), just read: UTF-8 validity (not for decoded text, UTF-8 by
  // construction) and NUL bytes. Off while the encoding is sniffed and while a range reader
  // skips to its first record (those bytes belong to another reader).
  void check_bytes(std::size_t from, std::size_t to) {
    if (!validating || from >= to) return;
    const std::uint64_t offset = buffer_offset + from;
    const std::size_t n = to - from;
    if (source.transcodes()) {
      if (std::memchr(buffer.get() + from, '\0', n) != nullptr) nul_until = offset + n;
      return;
    }
    bool nul = false;
    const auto* const bytes = reinterpret_cast<const unsigned char*>(buffer.get() + from);
#if QSCORE_HAS_WIDE_CELLS
    const std::uint64_t bad =
        wide ? detail::check_utf8_wide(bytes, n, offset, utf8, nul) : detail::check_utf8(bytes, n, offset, utf8, nul);
#else
    const std::uint64_t bad = detail::check_utf8(bytes, n, offset, utf8, nul);
#endif
    if (nul) nul_until = offset + n;
    if (bad != UINT64_MAX) invalid_utf8(bad);
  }

  // F106: the bytes at file offset `bad` are not UTF-8. Names the line, column and byte offset,
  // and suggests --encoding gb18030 when that line decodes as GB18030 (a hint only).
  void invalid_utf8(std::uint64_t bad) {
    failed = true;
    const text_position at = locate(source, bad);
    std::string message = "the file is not valid UTF-8: bytes " + hex_bytes(source, bad, 4) +
                          " at line " + std::to_string(at.line) + ", column " +
                          std::to_string(at.column) + " (byte offset " + std::to_string(bad) + ")";
    if (line_decodes_as_gb18030(source, at.line_start))
      message += "; that line reads as GB18030/GBK text (a Chinese Excel \"CSV\" export): run "
                 "again with --encoding gb18030, or save the file as \"CSV UTF-8\"";
    else
      message += "; qscore reads UTF-8: save the file as UTF-8, or name its encoding with "
                 "--encoding";
    errors.push_back(file_problem(errc::invalid_utf8, std::move(message), at.line, at.column));
  }

  // F107: the raw bytes at `bad` are not valid in the declared encoding.
  void undecodable(std::uint64_t bad) {
    failed = true;
    const text_position at = locate(source, bad);
    errors.push_back(file_problem(
        errc::undecodable_bytes,
        "bytes " + hex_bytes(source, bad, 4) + " at line " + std::to_string(at.line) +
            ", column " + std::to_string(at.column) + " (byte offset " + std::to_string(bad) +
            ") are not valid GB18030; check the --encoding given",
        at.line, at.column));
  }

  // The next non-blank record into `fields` (or an unterminated one, flagged): true, or false
  // at the end of the input or after a read error.
  bool next_record() {
    for (;;) {
      too_long = false;
      if (scan()) return true;
      if (failed || range_done) return false;
      if (at_eof) return finish_at_eof();
      if (scan_state != state::between_records && end - begin > options.max_record_bytes)
        return skip_long_record();
      fill();
    }
  }

  // The first line end in buffer[from, end), or npos.
  [[nodiscard]] std::size_t first_line_end(std::size_t from) const {
    for (std::size_t i = from; i < end; ++i)
      if (buffer[i] == '\n' || buffer[i] == '\r') return i;
    return npos;
  }

  // Moves past the line end at buffer[at] (npos: the input ended) to the record's next line.
  void resume_after(std::size_t at) {
    scan_state = state::between_records;
    if (at == npos) {
      pos = end;
      return;
    }
    skip_lf = buffer[at] == '\r';
    pos = at + 1;
    line = record_line + 1;
  }

  // A quoted field that spans more than max_quoted_lines line breaks, or runs into the end of
  // the input: its quote is taken as never closed. The record's first line is rejected (R207)
  // and reading resumes on the line after it, so the rest of the file is still read.
  bool give_up_quote() {
    const std::size_t line_end = first_line_end(begin);
    const std::size_t quote = begin + field_from - 1;
    raw_end = line_end == npos ? end : line_end;
    unterminated = true;
    unterminated_field = span_count;
    const std::size_t from = quote < raw_end ? quote : begin;
    unterminated_text.assign(buffer.get() + from, raw_end - from);
    resume_after(line_end);
    return true;
  }

  // A complete record (ending at the line end buffer[p], or at npos: the end of the input) that
  // is longer than max_record_bytes: rejected (R210) just as skip_long_record() does, whatever
  // the chunk size, so the outcome does not depend on where reads happen to end.
  bool reject_long(std::size_t p) {
    too_long = true;
    unterminated = false;
    const std::size_t line_end = record_breaks > 0 ? first_line_end(begin) : p;
    keep_long_raw(line_end == npos ? end : line_end);
    // A single line: its length. Several lines: only that the limit was passed, which does not
    // depend on how far the reads happened to reach.
    too_long_bytes = record_breaks > 0 ? 0 : (line_end == npos ? end : line_end) - begin;
    resume_after(line_end);
    return true;
  }

  // What a rejection keeps of a long record: its first line, cut to long_record_kept bytes and
  // the byte limit (always in the buffer when a record is found too long, whatever the reads).
  void keep_long_raw(std::size_t line_end) {
    const std::size_t kept = std::min({line_end - begin, long_record_kept, options.max_record_bytes});
    too_long_raw.assign(utf8_prefix(std::string_view(buffer.get() + begin, line_end - begin), kept));
  }

  // A record that grew past max_record_bytes without ending. When it already spans a line end
  // (an open quote), reading resumes after its first line; otherwise the rest of its line is
  // read and dropped chunk by chunk, never held whole. Rejected as R210.
  bool skip_long_record() {
    too_long = true;
    unterminated = false;
    const std::size_t line_end = first_line_end(begin);
    keep_long_raw(line_end == npos ? end : line_end);
    if (line_end != npos) {
      too_long_bytes = record_breaks > 0 ? 0 : line_end - begin;
      resume_after(line_end);
      return true;
    }
    too_long_bytes = end - begin;
    for (;;) {
      begin = pos = end;  // nothing read so far is needed
      fill();
      if (failed) return false;
      if (at_eof) {
        resume_after(npos);
        return true;
      }
      const std::size_t at = first_line_end(pos);
      too_long_bytes += (at == npos ? end : at) - pos;
      if (at != npos) {
        begin = at;
        resume_after(at);
        return true;
      }
    }
  }

  // ---- scanning -----------------------------------------------------------------------------

  // Runs the state machine from `pos` to `end`. True when a record is complete (its fields are
  // in `fields`); false when the data ran out first (the state is kept for the next call).
  bool scan() {
    const char* const b = buffer.get();
    const std::size_t e = end;
    const char delimiter = options.delimiter;
    std::size_t p = pos;
    for (;;) {
      switch (scan_state) {
        case state::between_records: {
          if (p == e) {
            pos = begin = p;
            return false;
          }
          const char c = b[p];
          if (skip_lf) {
            skip_lf = false;
            if (c == '\n') {  // the LF of a CRLF: the line was counted at the CR
              ++p;
              continue;
            }
          }
          if (c == '\n' || c == '\r') {  // a blank line: counted as a line, not as a row
            ++line;
            skip_lf = c == '\r';
            ++p;
            continue;
          }
          if (buffer_offset + p >= range_end) {  // the record belongs to the next range
            pos = begin = p;
            range_done = true;
            return false;
          }
          begin = p;
          record_line = line;
          record_breaks = 0;
          span_count = 0;
          escaped_bytes = 0;
          scan_state = state::field_start;
          continue;
        }
        case state::field_start: {
          if (p == e) return suspend(p);
          const char c = b[p];
          if (c == '"') {
            field_from = p + 1 - begin;
            field_escaped = false;
            scan_state = state::quoted;
            ++p;
            continue;
          }
          if (c == delimiter) {  // an empty field
            add_span(p - begin, p - begin, false);
            ++p;
            continue;
          }
          if (c == '\n' || c == '\r') {  // an empty last field, after a delimiter
            add_span(p - begin, p - begin, false);
            return end_record(p);
          }
          field_from = p - begin;
          scan_state = state::unquoted;
          ++p;
          continue;
        }
        case state::unquoted:
        case state::after_quote_text: {
          // The hot loop: most fields are short unquoted codes.
          while (p < e && !stops[static_cast<unsigned char>(b[p])]) ++p;
          if (p == e) return suspend(p);
          add_span(field_from, p - begin, scan_state == state::after_quote_text);
          if (b[p] == delimiter) {
            scan_state = state::field_start;
            ++p;
            continue;
          }
          return end_record(p);
        }
        case state::quoted: {
          // Looks no further than the record's byte limit, so that which limit is passed first
          // (lines: R207, bytes: R210) is decided by the bytes, not by where a read ended.
          const bool capped = e - begin > options.max_record_bytes;
          const std::size_t to = capped ? std::max(p, begin + options.max_record_bytes + 1) : e;
          const void* quote = std::memchr(b + p, '"', to - p);
          const std::size_t stop =
              quote != nullptr ? static_cast<std::size_t>(static_cast<const char*>(quote) - b) : to;
          record_breaks += count_line_breaks(b, p, stop);
          saw_quoted_break |= record_breaks > 0;
          if (record_breaks > options.max_quoted_lines) return give_up_quote();
          if (quote == nullptr) {
            if (capped) return skip_long_record();
            return suspend(e);
          }
          p = stop + 1;
          scan_state = state::quote_in_quoted;
          continue;
        }
        case state::quote_in_quoted: {
          if (p == e) return suspend(p);
          const char c = b[p];
          if (c == '"') {  // "" inside quotes: one literal quote
            field_escaped = true;
            scan_state = state::quoted;
            ++p;
            continue;
          }
          if (c == delimiter || c == '\n' || c == '\r') {
            // Unescaped, the content is what lies between the quotes; escaped, the raw bytes up
            // to here are rewritten later.
            add_span(field_from, p - begin - (field_escaped ? 0 : 1), field_escaped);
            if (c != delimiter) return end_record(p);
            scan_state = state::field_start;
            ++p;
            continue;
          }
          field_escaped = true;  // "ab"c: not RFC 4180, read as abc
          scan_state = state::after_quote_text;
          ++p;
          continue;
        }
      }
    }
  }

  void add_span(std::size_t from, std::size_t to, bool escaped) {
    if (span_count == spans.size()) spans.resize(std::max<std::size_t>(16, 2 * spans.size()));
    spans[span_count++] = {from, to, escaped};
    if (escaped) escaped_bytes += to - from;
  }

  bool suspend(std::size_t p) {
    pos = p;
    return false;
  }

  // Line breaks in b[from, to) inside a quoted field: CR and LF each count, except the LF of a
  // CRLF. b[from - 1] is always inside the record (at least its opening quote), so a CRLF split
  // across two reads is seen as one break.
  static std::int64_t count_line_breaks(const char* b, std::size_t from, std::size_t to) {
    std::int64_t n = 0;
    const char* const last = b + to;
    for (const char* s = b + from; s < last; ++s) {
      s = static_cast<const char*>(std::memchr(s, '\r', static_cast<std::size_t>(last - s)));
      if (s == nullptr) break;
      ++n;
    }
    for (const char* s = b + from; s < last; ++s) {
      s = static_cast<const char*>(std::memchr(s, '\n', static_cast<std::size_t>(last - s)));
      if (s == nullptr) break;
      if (s[-1] != '\r') ++n;
    }
    return n;
  }

  // The record ended at the line break b[p]: publish its fields and move past it.
  bool end_record(std::size_t p) {
    if (p - begin > options.max_record_bytes) return reject_long(p);
    skip_lf = buffer[p] == '\r';
    line += 1 + record_breaks;
    unterminated = false;
    raw_end = p;
    publish_fields();
    scan_state = state::between_records;
    pos = p + 1;
    // `begin` stays on this record until the next scan, so the views stay valid: the buffer is
    // only moved by fill(), which runs after the caller is done with the record.
    return true;
  }

  // The input ended: finish the record in progress, if any.
  bool finish_at_eof() {
    const std::size_t e = end - begin;
    unterminated = false;
    switch (scan_state) {
      case state::between_records:
        return false;
      case state::field_start:  // "a,b," at EOF: an empty last field
        add_span(e, e, false);
        break;
      case state::unquoted:
        add_span(field_from, e, false);
        break;
      case state::after_quote_text:
        add_span(field_from, e, true);
        break;
      case state::quote_in_quoted:
        add_span(field_from, field_escaped ? e : e - 1, field_escaped);
        break;
      case state::quoted:  // a quote that never closes: the record is rejected (R207)
        return give_up_quote();
    }
    if (end - begin > options.max_record_bytes) return reject_long(npos);
    raw_end = end;
    line += record_breaks;
    if (!unterminated) publish_fields();
    scan_state = state::between_records;
    pos = end;
    return true;
  }

  // Turns the spans of the finished record into string_views: straight into the buffer, or into
  // `scratch` for the fields that need rewriting.
  void publish_fields() {
    const char* const base = buffer.get() + begin;
    // Reserve first, so that appending never reallocates under views already handed out.
    scratch.clear();
    scratch.reserve(escaped_bytes);
    fields.resize(span_count);
    for (std::size_t i = 0; i < span_count; ++i) {
      const field_span& s = spans[i];
      const std::string_view raw(base + s.from, s.to - s.from);
      if (!s.escaped) {
        fields[i] = raw;
        continue;
      }
      const std::size_t at = scratch.size();
      unquote(raw, scratch);
      fields[i] = std::string_view(scratch.data() + at, scratch.size() - at);
    }
  }

  // The raw bytes of a quoted field from after its opening quote: "" -> ", the closing quote is
  // dropped, and anything after it is kept as it is (the same reading as the state machine's).
  static void unquote(std::string_view raw, std::string& out) {
    bool in_quotes = true;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      const char c = raw[i];
      if (in_quotes && c == '"') {
        if (i + 1 < raw.size() && raw[i + 1] == '"') {
          out += '"';
          ++i;
        } else {
          in_quotes = false;
        }
        continue;
      }
      out += c;
    }
  }

  // ---- opening ------------------------------------------------------------------------------

  // Everything open() checks before the first row: the encoding, then the header.
  std::vector<diagnostic> start() {
    options.max_quoted_lines = std::max<std::int64_t>(options.max_quoted_lines, 0);
    options.max_record_bytes = std::max<std::size_t>(options.max_record_bytes, 1);
    if (options.encoding == csv_options::text_encoding::gb18030 && !source.decode_from("GB18030"))
      return {file_problem(errc::undecodable_bytes,
                           "this system's iconv cannot decode GB18030: convert the file to UTF-8 first")};
    if (auto problems = check_encoding(); !problems.empty()) return problems;
    return read_header();
  }

  diagnostic file_problem(errc code, std::string message, std::int64_t at_line = 0,
                          std::int64_t at_column = 0) const {
    diagnostic d;
    d.code = code;
    d.message = std::move(message);
    d.where.file = name;
    d.where.line = at_line;
    d.where.column = at_column;
    return d;
  }

  // Refuses UTF-16/UTF-32 (with or without a byte-order mark) and binary files, then skips a
  // UTF-8 byte-order mark.
  std::vector<diagnostic> check_encoding() {
    while (end < sniff_bytes && !at_eof && !failed) fill();
    if (failed) return errors;
    const std::string_view head(buffer.get(), std::min(end, sniff_bytes));
    const auto starts_with = [&](std::string_view bom) { return head.substr(0, bom.size()) == bom; };
    using namespace std::string_view_literals;
    std::string found;
    if (starts_with("\xFF\xFE\0\0"sv)) found = "UTF-32 LE (byte-order mark FF FE 00 00)";
    else if (starts_with("\0\0\xFE\xFF"sv)) found = "UTF-32 BE (byte-order mark 00 00 FE FF)";
    else if (starts_with("\xFF\xFE"sv)) found = "UTF-16 LE (byte-order mark FF FE)";
    else if (starts_with("\xFE\xFF"sv)) found = "UTF-16 BE (byte-order mark FE FF)";
    else if (static_cast<std::size_t>(std::count(head.begin(), head.end(), '\0')) * 8 > head.size())
      // UTF-16/32 text has a NUL in nearly every other byte; a stray NUL or two in a UTF-8
      // file is a row problem (R209), not an encoding.
      found = "not UTF-8 text: more than 1 in 8 of its first bytes are NUL (UTF-16 or UTF-32 "
              "without a byte-order mark, or a binary file)";
    if (!found.empty())
      return {file_problem(errc::unsupported_encoding,
                           "the file is " + found +
                               "; qscore reads UTF-8 only: save it as UTF-8 CSV (in Excel: "
                               "\"CSV UTF-8 (comma delimited)\")",
                           1, 1)};
    if (starts_with("\xEF\xBB\xBF"sv)) begin = pos = 3;
    validating = true;
    check_bytes(0, end);
    if (!failed && at_eof && utf8.need > 0) invalid_utf8(utf8.start);  // cut off by the end
    if (failed) return errors;
    return {};
  }

  // Reads the header and finds the column of every role. Reports every duplicate name and every
  // missing column, not just the first.
  std::vector<diagnostic> read_header() {
    if (!next_record()) {
      if (failed) return errors;
      return {file_problem(errc::empty_file, "the file is empty: there is no header line")};
    }
    const std::int64_t header_line = record_line;
    header_ends_with_lf = pos > 0 && buffer[pos - 1] == '\n';
    if (too_long)
      return {file_problem(errc::empty_file,
                           "the header line is longer than " + std::to_string(options.max_record_bytes) +
                               " bytes (--max-line-bytes), so there is no usable header",
                           header_line, 1)};
    if (unterminated)
      return {file_problem(errc::empty_file,
                           "the header line has a quoted name that is never closed, so there is "
                           "no usable header",
                           header_line, 1)};

    std::vector<diagnostic> problems;
    std::unordered_map<std::string, std::size_t> where;  // name -> field index
    header.reserve(fields.size());
    for (std::size_t i = 0; i < fields.size(); ++i) {
      header.emplace_back(batch_builder::trim(fields[i]));
      const std::string& column = header.back();
      // Unnamed columns (e.g. trailing commas in a spreadsheet export) cannot be asked for, so
      // several of them are no conflict.
      if (column.empty()) continue;
      const auto [it, inserted] = where.emplace(column, i);
      if (!inserted)
        problems.push_back(file_problem(
            errc::duplicate_column,
            "the header names column '" + column + "' twice: columns " +
                std::to_string(it->second + 1) + " and " + std::to_string(i + 1),
            header_line, static_cast<std::int64_t>(i + 1)));
    }

    std::string listing;  // the header's columns, for "missing column" messages
    constexpr std::size_t listed = 40;
    for (std::size_t i = 0; i < header.size() && i < listed; ++i)
      listing += (i == 0 ? "'" : ", '") + header[i] + "'";
    if (header.size() > listed) listing += " and " + std::to_string(header.size() - listed) + " more";

    const auto find = [&](const std::string& column, const std::string& role) {
      const auto it = where.find(column);
      if (it != where.end()) return it->second;
      problems.push_back(file_problem(errc::missing_column,
                                      "the header has no column '" + column + "' (" + role +
                                          "); its columns are " + listing,
                                      header_line, 1));
      return npos;
    };
    const column_layout& layout = plan->definition->columns;
    if (!layout.respondent.empty()) respondent_column = find(layout.respondent, "respondent id");
    group_column = find(layout.group, "respondent group");
    unit_column = find(layout.unit, "evaluated unit");
    if (!layout.weight.empty()) weight_column = find(layout.weight, "sampling weight");
    if (!layout.stratum.empty()) stratum_column = find(layout.stratum, "sampling stratum");
    item_columns.reserve(plan->item_count());
    for (const auto& item : plan->items)
      item_columns.push_back(find(item.column, "answers to item '" + item.id + "'"));
    cells.resize(plan->item_count());
    check_ids = options.reject_duplicate_ids && respondent_column != npos;
    if (problems.empty()) plan_fast_path();
    return problems;
  }

  // ---- the fast path ------------------------------------------------------------------------
  //
  // Most survey files are plain: no quotes, LF or CRLF line ends, one-byte codes. For such a
  // record, try_fast_records() splits the line, decodes every value and hands the row to the
  // builder in one pass. It accepts only what the general path would accept, with the same
  // values; anything else (a quote, a lone CR, a wrong field count, a value it cannot take,
  // a blank line, a record not wholly in the buffer) leaves the record untouched for the general
  // path, which then scores or rejects it with the usual message.

  // What each header column feeds: an item index (>= 0) or one of these.
  static constexpr int role_ignored = -1, role_group = -2, role_unit = -3, role_weight = -4,
                       role_stratum = -5, role_respondent = -6;
  std::vector<int> column_role;
  std::vector<const code_decoder*> item_decoder;  // per plan item
  // Per plan item, the code of each one-byte cell, with '"' and '\r' marked invalid so that
  // such cells leave the fast path.
  std::vector<std::array<answer_code, 256>> item_table;
  // Per plan item, its table of the bytes 0..127 with the delimiter read as a blank, for
  // detail::decode_wide_cells; empty when that is not used (no AVX-512 here, the option is off,
  // or the delimiter is not ASCII).
  std::vector<std::array<answer_code, 128>> wide_table;
  // Where the fast path stores column c's code: code_offset[c] = item * stride, into the batch's
  // column-major codes (stride: the batch's rows), or with the wide decoder into the stage below
  // (stride 1). Every item has a column of its own (a missing one fails the header, and the
  // definition check D031 forbids two roles on one column), so every code is written.
  std::vector<std::size_t> code_offset;
  std::size_t code_offset_stride = 0;
  // With the wide decoder: the codes of the last `staged` committed rows, row by row (row r's
  // item j at stage[r * stage_stride + j]), moved into the batch (detail::move_staged_codes)
  // when staged_rows_max have gathered and before anything else writes codes or the batch is
  // handed out. Empty otherwise.
  std::vector<answer_code> stage;
  std::size_t stage_stride = 0;
  std::size_t staged = 0;

  void set_code_offsets(std::size_t stride) {
    code_offset.assign(column_role.size(), 0);
    for (std::size_t c = 0; c < column_role.size(); ++c)
      if (column_role[c] >= 0) code_offset[c] = static_cast<std::size_t>(column_role[c]) * stride;
    code_offset_stride = stride;
  }
  // For each column: where the run of answer columns starting there ends (exclusive); the last
  // column never belongs to a run, so a run always ends before the line does.
  std::vector<std::size_t> item_run_end;
  // For each column of a run: where the stretch of columns starting there ends (exclusive, never
  // past the run's end) whose items follow one another (item j, j + 1, ...) and share one answer
  // table. Within a stretch the loop keeps the table and the store address in registers rather
  // than loading a role, a table and an offset per cell.
  std::vector<std::size_t> same_table_end;
  bool has_stratum = false;

  // Group and unit keys (ids, then labels, in the order the plan registers them: the first
  // registration of a text wins, as in the plan). A small open-addressing table over a
  // word-at-a-time hash of the key's bytes: far faster than std::hash for the short keys of
  // survey files. Keys of up to 8 bytes (nearly all: "g6", "u02", "power") are also placed in a
  // collision-free table: a multiplier is searched at build time under which every short key
  // gets its own slot, so that a lookup is one multiply, one load and one compare of the packed
  // word (two lookups per row took 4 % of a run through the probing table).
  struct small_key_table {
    struct entry {
      std::string text;
      int index = 0;
    };
    struct short_slot {
      std::uint64_t packed = 0;
      std::size_t size = 0;  // 0 = empty (an empty key is never looked up)
      int index = -1;
    };
    std::vector<entry> entries;
    std::vector<int> slots;  // -1 = empty, else position in entries
    std::size_t mask = 0;
    std::vector<short_slot> short_slots;  // empty when no collision-free multiplier was found
    std::uint64_t multiplier = 0;
    int shift = 64;

    [[nodiscard]] static std::uint64_t short_key(std::uint64_t packed, std::size_t size) noexcept {
      return packed ^ (static_cast<std::uint64_t>(size) * 0x9E3779B97F4A7C15ULL);
    }
    [[nodiscard]] std::size_t short_slot_of(std::uint64_t key) const noexcept {
      return static_cast<std::size_t>((key * multiplier) >> shift);
    }

    template <class Entries>
    void build(const Entries& items) {
      entries.clear();
      auto add = [&](const std::string& text, std::size_t i) {
        for (const auto& existing : entries)
          if (existing.text == text) return;  // the first registration wins
        entries.push_back({text, static_cast<int>(i)});
      };
      for (std::size_t i = 0; i < items.size(); ++i) add(items[i].id, i);
      for (std::size_t i = 0; i < items.size(); ++i)
        for (const auto& [lang, text] : items[i].name.texts()) add(text, i);
      std::size_t size = 16;
      while (size < 4 * entries.size()) size *= 2;
      mask = size - 1;
      slots.assign(size, -1);
      for (std::size_t t = 0; t < entries.size(); ++t) {
        std::size_t slot = detail::hash_text(entries[t].text) & mask;
        while (slots[slot] >= 0) slot = (slot + 1) & mask;
        slots[slot] = static_cast<int>(t);
      }
      build_short_slots();
    }

    // Tries 64 multipliers from a fixed sequence (so every run builds the same table) for each
    // table size from 4x the number of short keys up to 4,096 slots, then gives up (lookups
    // then go through the probing table).
    void build_short_slots() {
      short_slots.clear();
      std::size_t short_keys = 0;
      for (const auto& e : entries)
        if (!e.text.empty() && e.text.size() <= 8) ++short_keys;
      if (short_keys == 0) return;
      std::uint64_t state = 0x243F6A8885A308D3ULL;  // splitmix64, seeded with digits of pi
      for (int bits = 2; bits <= 12; ++bits) {
        const std::size_t table = std::size_t{1} << bits;
        if (table < 4 * short_keys) continue;
        for (int attempt = 0; attempt < 64; ++attempt) {
          state += 0x9E3779B97F4A7C15ULL;
          multiplier = detail::mix64(state) | 1;
          shift = 64 - bits;
          std::vector<short_slot> candidate(table);
          bool clash = false;
          for (const auto& e : entries) {
            if (e.text.empty() || e.text.size() > 8) continue;
            const std::uint64_t packed = detail::pack_short_text(e.text);
            short_slot& s = candidate[short_slot_of(short_key(packed, e.text.size()))];
            if (s.size != 0) {
              clash = true;
              break;
            }
            s = {packed, e.text.size(), e.index};
          }
          if (!clash) {
            short_slots = std::move(candidate);
            return;
          }
        }
      }
    }

    [[nodiscard, gnu::always_inline]] int find(std::string_view key) const noexcept {
      if (key.size() <= 8 && !short_slots.empty() && !key.empty()) {
        const std::uint64_t packed = detail::pack_short_text(key);
        const short_slot& s = short_slots[short_slot_of(short_key(packed, key.size()))];
        return s.size == key.size() && s.packed == packed ? s.index : -1;
      }
      return find_in_probing_table(key);
    }
    // Kept out of line, so that find() is small enough to inline into the row loop (the call
    // and its register saves were a third of the lookups' instructions).
    [[gnu::noinline]] int find_in_probing_table(std::string_view key) const noexcept {
      for (std::size_t slot = detail::hash_text(key) & mask;; slot = (slot + 1) & mask) {
        const int t = slots[slot];
        if (t < 0) return -1;
        const entry& e = entries[static_cast<std::size_t>(t)];
        if (e.text == key) return e.index;
      }
    }
  };
  small_key_table group_keys, unit_keys;
  // The weights parsed so far, by their text (a file holds few distinct ones).
  detail::short_text_cache weight_cache;

  void plan_fast_path() {
    group_keys.build(plan->definition->groups);
    unit_keys.build(plan->definition->units);
    column_role.assign(header.size(), role_ignored);
    if (check_ids) column_role[respondent_column] = role_respondent;
    if (group_column != npos) column_role[group_column] = role_group;
    if (unit_column != npos) column_role[unit_column] = role_unit;
    if (weight_column != npos) column_role[weight_column] = role_weight;
    if (stratum_column != npos) column_role[stratum_column] = role_stratum;
    for (std::size_t j = 0; j < item_columns.size(); ++j)
      column_role[item_columns[j]] = static_cast<int>(j);
    item_decoder.clear();
    for (const auto& item : plan->items) item_decoder.push_back(&plan->decoders[item.scale]);
    item_table.assign(plan->item_count(), {});
    for (std::size_t j = 0; j < plan->item_count(); ++j) {
      for (int byte = 0; byte < 256; ++byte)
        item_table[j][static_cast<std::size_t>(byte)] = item_decoder[j]->decode_byte(static_cast<char>(byte));
      item_table[j][static_cast<unsigned char>('"')] = code_decoder::invalid;
      item_table[j][static_cast<unsigned char>('\r')] = code_decoder::invalid;
      item_table[j][static_cast<unsigned char>(options.delimiter)] = code_decoder::invalid;
    }
    wide_table.clear();
    if (wide && static_cast<unsigned char>(options.delimiter) < 128) {
      wide_table.resize(plan->item_count());
      for (std::size_t j = 0; j < plan->item_count(); ++j) {
        std::copy_n(item_table[j].begin(), 128, wide_table[j].begin());
        wide_table[j][static_cast<unsigned char>(options.delimiter)] = blank_code;
      }
      stage_stride = (plan->item_count() + 63) / 64 * 64;
      stage.assign(detail::staged_rows_max * stage_stride, 0);
    }
    item_run_end.assign(header.size(), 0);
    for (std::size_t c = header.size(); c-- > 0;) {
      const bool in_run = column_role[c] >= 0 && c + 1 < header.size();
      const bool next_in_run = c + 1 < header.size() && item_run_end[c + 1] > c + 1;
      item_run_end[c] = !in_run ? c : next_in_run ? item_run_end[c + 1] : c + 1;
    }
    same_table_end.assign(header.size(), 0);
    for (std::size_t c = header.size(); c-- > 0;) {
      if (item_run_end[c] <= c) continue;  // not in a run
      const bool joins_next = c + 1 < item_run_end[c] && column_role[c + 1] == column_role[c] + 1 &&
                              item_table[static_cast<std::size_t>(column_role[c])] ==
                                  item_table[static_cast<std::size_t>(column_role[c + 1])];
      same_table_end[c] = joins_next ? same_table_end[c + 1] : c + 1;
    }
    has_stratum = stratum_column != npos;
    // A respondent column that also plays another role (a layout naming one column twice): the
    // fast path would not see the id, so every row takes the general path.
    if (check_ids && column_role[respondent_column] != role_respondent) column_role.clear();
  }

  // Room for the ids a range holds when its records take two bytes a column (a one-character
  // cell and its delimiter; blank cells take one, and a list that outgrows its room doubles
  // once), up to a million: growing the list step by step copied it and faulted its pages in
  // again, 3 % of a run with a fresh reader per 8 MB segment. Taken at the first id recorded,
  // not before: ids written as numbers go to a bitmap instead. Room for one byte a column was
  // 2 MB a reader, 2.5 times what the bench pool's 96,000 rows a segment take, and at 16
  // threads peak RSS was 10 MB higher (ids `r1` ...).
  void reserve_claimed_ids(csv_range range) {
    if (!options.record_ids || range.end <= range.begin || column_role.empty()) return;
    constexpr std::uint64_t most = std::uint64_t{1} << 20;
    claimed_room = static_cast<std::size_t>(std::min(most, (range.end - range.begin) / (2 * column_role.size()) + 1));
  }
  void record_claim(std::uint64_t id_hash) {
    if (claimed.capacity() == 0) claimed.reserve(claimed_room);
    claimed.push_back(id_hash);
  }

  // Whether the row with this respondent id may be taken in; if so, the id is now taken.
  // False for a duplicate, which the caller rejects (R208).
  bool claim_id(std::string_view cell) {
    const std::string_view id = trim_cell(cell);
    if (id.empty()) return true;  // no id, nothing to compare
    if (numeric_claims) {
      if (const std::uint64_t number = options.numeric_ids->number_of(id); number != numeric_id_bitmap::none) {
        numeric_claims->claim(number);
        return true;
      }
    }
    const std::uint64_t h = respondent_id_set::hash(id);
    if (options.suspect_ids != nullptr && !options.suspect_ids->may_repeat(h)) return true;
    if (options.defer_duplicate_ids) {
      record_claim(h);
      return true;
    }
    if (options.earlier_ids != nullptr && options.earlier_ids->contains(h)) return false;
    if (!ids.insert(h)) return false;
    if (options.record_ids) record_claim(h);
    return true;
  }

  // batch_builder::trim, with the common case inline: a cell that neither starts nor ends with a
  // space or a tab is its own trimmed text (the call for it was 3 % of a run's instructions).
  [[gnu::always_inline]] static std::string_view trim_cell(std::string_view cell) noexcept {
    const auto is_blank = [](char c) { return c == ' ' || c == '\t'; };
    if (!cell.empty() && !is_blank(cell.front()) && !is_blank(cell.back())) return cell;
    return batch_builder::trim(cell);
  }

  // The end of the field starting at p (its delimiter, or content_end), or nullptr when a quote
  // or a CR comes first. Eight bytes at a time while eight remain: x ^ (c repeated) has a 0
  // byte where x holds c, and zero_bytes marks those exactly (no carry crosses a byte).
  // Sixteen bytes at a time first where SSE2 is there (every x86-64): three byte compares and
  // two masks, against three zero-byte tests of eight bytes; the four key fields of a row took
  // 55 instructions each through the word loop.
  [[gnu::always_inline]] static const char* field_end(const char* p, const char* content_end, char delimiter) noexcept {
#if defined(__SSE2__)
    for (; content_end - p >= 16; p += 16) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      const auto at_delimiter = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(delimiter))));
      const auto at_special = static_cast<unsigned>(_mm_movemask_epi8(
          _mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('"')), _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\r')))));
      if (at_delimiter != 0) {
        if ((at_special & (at_delimiter ^ (at_delimiter - 1))) != 0) return nullptr;
        return p + std::countr_zero(at_delimiter);
      }
      if (at_special != 0) return nullptr;
    }
#endif
    const std::uint64_t delimiter_bytes = byte_repeated(delimiter);
    for (; little_endian && content_end - p >= 8; p += 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, p, 8);  // byte 0 is the first
      const std::uint64_t at_delimiter = zero_bytes(word ^ delimiter_bytes);
      const std::uint64_t at_special = zero_bytes(word ^ byte_repeated('"')) | zero_bytes(word ^ byte_repeated('\r'));
      if (at_delimiter != 0) {
        // at_delimiter ^ (at_delimiter - 1): the bytes up to the first delimiter.
        if ((at_special & (at_delimiter ^ (at_delimiter - 1))) != 0) return nullptr;
        return p + std::countr_zero(at_delimiter) / 8;
      }
      if (at_special != 0) return nullptr;
    }
    for (; p < content_end && *p != delimiter; ++p)
      if (*p == '"' || *p == '\r') return nullptr;
    return p;
  }
  // Words read from the buffer have the first byte lowest; elsewhere the byte-wise code runs.
  static constexpr bool little_endian = std::endian::native == std::endian::little;
  // A word whose eight bytes are all c.
  static constexpr std::uint64_t byte_repeated(char c) noexcept {
    return 0x0101010101010101ULL * static_cast<unsigned char>(c);
  }
  // The high bit of each byte of v that is 0.
  static constexpr std::uint64_t zero_bytes(std::uint64_t v) noexcept {
    constexpr std::uint64_t low = 0x7F7F7F7F7F7F7F7FULL, high = 0x8080808080808080ULL;
    return ~(((v & low) + low) | v) & high;
  }

  // Takes records by the fast path until the batch is full or a record needs the general path
  // (or the input ends); false when it took none. The loop lives here, not in the caller: a call
  // per record, through a second call to the wide variant, was 1.5 % of a run.
  bool try_fast_records() {
#if QSCORE_HAS_WIDE_CELLS
    if (!wide_table.empty()) return try_fast_records_wide();
#endif
    return fast_records<false>();
  }
#if QSCORE_HAS_WIDE_CELLS
  // The fast path compiled for AVX-512: the line end found 64 bytes a step and the answer runs
  // decoded 32 cells a step, inlined (a call per run, with its register saves and vzeroupper,
  // was a fifth of the decoding's time).
  [[gnu::target(QSCORE_WIDE_CELLS_TARGET)]] bool try_fast_records_wide() {
    return fast_records<true>();
  }
#endif
  template <bool Wide>
  [[gnu::always_inline]] bool fast_records() {
    bool any = false;
    while (!builder.full() && fast_record<Wide>()) any = true;
    return any;
  }

  // The fast path's body. Wide only within try_fast_records_wide, whose target lets the AVX-512
  // helpers (wide_cells.hpp) inline; always_inline so that each caller gets its own copy.
  template <bool Wide>
  [[gnu::always_inline]] bool fast_record() {
    if (scan_state != state::between_records || skip_lf || pos >= end || column_role.empty() ||
        buffer_offset + pos >= range_end)
      return false;
    const char* const b = buffer.get();
    const void* newline = nullptr;
#if QSCORE_HAS_WIDE_CELLS
    if constexpr (Wide)
      newline = detail::find_newline_wide(b + pos, end - pos);
    else
#endif
      newline = std::memchr(b + pos, '\n', end - pos);
    if (newline == nullptr) return false;
    const char* p = b + pos;
    const char* const line_end = static_cast<const char*>(newline);
    const char* const content_end = (line_end > p && line_end[-1] == '\r') ? line_end - 1 : line_end;
    if (content_end == p) return false;  // a blank line
    // Too long, or holding a NUL: the general path rejects it.
    if (static_cast<std::size_t>(line_end - p) > options.max_record_bytes) return false;
    if (nul_until > buffer_offset + pos && std::memchr(p, '\0', static_cast<std::size_t>(line_end - p)) != nullptr)
      return false;
    const char delimiter = options.delimiter;

    int group = -1, unit = -1, stratum = -1;
    double weight = 1.0;
    std::string_view stratum_cell, id_cell;
    // Everything the loop reads lives in locals: the answer codes are stored through
    // unsigned char pointers, which may alias anything, so members would be reloaded per field.
    const std::size_t columns = column_role.size();
    const int* const roles = column_role.data();
    const std::array<answer_code, 256>* const tables = item_table.data();
    // Codes go straight into the batch's column-major matrix (item j of the row sits j * stride
    // bytes after item 0), or with the wide decoder into the stage's next row (stride 1):
    // code_offset[c] is column c's item times the stride. A row given up half-way leaves bytes
    // in a slot that is not committed, and the next row overwrites them.
    answer_code* codes = builder.next_row_codes();  // also makes room for the row's other values
    if constexpr (Wide) codes = stage.data() + staged * stage_stride;
    const std::size_t stride = Wide ? 1 : builder.code_stride();
    if (code_offset_stride != stride) set_code_offsets(stride);
    const std::size_t* const offset = code_offset.data();
    const std::size_t* const run_end = item_run_end.data();
    const std::size_t* const same_table = same_table_end.data();
    // Four cells "d,d,d,d," in a word: delimiters at bytes 1, 3, 5 and 7 only (little-endian).
    constexpr std::uint64_t delimiters_at_odd_bytes = 0x8000800080008000ULL;
    const std::uint64_t delimiter_bytes = byte_repeated(delimiter);
    for (std::size_t c = 0; c < columns; ++c) {
      // A run of answer columns (never the last column): one byte and a delimiter, or just a
      // delimiter, per cell. Anything else leaves the run for the column-by-column code below.
      for (const std::size_t stop = run_end[c]; c < stop && p + 1 < content_end;) {
        // A stretch of consecutive items with one table: item j + 1's code is stored `stride`
        // bytes after item j's.
        const std::size_t stretch_end = same_table[c];
        const answer_code* const table = tables[roles[c]].data();
        answer_code* out = codes + offset[c];
#if QSCORE_HAS_WIDE_CELLS
        // Up to 32 cells a step while the stretch is long and 64 bytes are there to load; when
        // the bytes do not fit (a longer cell), the word loop below goes on from there.
        if constexpr (Wide) {
          const answer_code* const wide_codes = wide_table[static_cast<std::size_t>(roles[c])].data();
          while (stretch_end - c >= 8 && b + end - p >= 64) {
            const std::size_t count = std::min(stretch_end - c, detail::wide_cells_max);
            const std::ptrdiff_t consumed = detail::decode_wide_cells(
                p, count, static_cast<std::size_t>(content_end - p), delimiter, wide_codes, out);
            if (consumed == detail::wide_cells_invalid) return false;  // as below: includes '"' and '\r'
            if (consumed == detail::wide_cells_none) break;
            p += consumed;
            c += count;
            out += count;
          }
        }
#endif
        while (c < stretch_end && p + 1 < content_end) {
          // Four cells at once while the next 8 bytes read "d,d,d,d,": one word compare
          // (exact, byte by byte: no carry crosses a byte) instead of two per cell.
          while (little_endian && stretch_end - c >= 4 && content_end - p >= 8) {
            std::uint64_t word = 0;
            std::memcpy(&word, p, 8);
            if (zero_bytes(word ^ delimiter_bytes) != delimiters_at_odd_bytes) break;
            const auto* const bytes = reinterpret_cast<const unsigned char*>(p);
            const answer_code c0 = table[bytes[0]], c1 = table[bytes[2]], c2 = table[bytes[4]], c3 = table[bytes[6]];
            // invalid is 255: an OR of 255 is rare, and only then are the four compared.
            if ((c0 | c1 | c2 | c3) == code_decoder::invalid &&
                (c0 == code_decoder::invalid || c1 == code_decoder::invalid || c2 == code_decoder::invalid ||
                 c3 == code_decoder::invalid))
              return false;  // includes '"' and '\r'
            out[0] = c0;
            out[stride] = c1;
            out[2 * stride] = c2;
            out[3 * stride] = c3;
            p += 8;
            c += 4;
            out += 4 * stride;
          }
          if (c == stretch_end || p + 1 >= content_end) break;
          const char ch = *p;  // one cell: a blank, or one byte
          if (ch == delimiter) {
            *out = blank_code;
            ++p;
          } else {
            if (p[1] != delimiter) break;
            const answer_code code = table[static_cast<unsigned char>(ch)];
            if (code == code_decoder::invalid) return false;  // includes '"' and '\r'
            *out = code;
            p += 2;
          }
          ++c;
          out += stride;
        }
        if (c < stretch_end) break;  // a longer cell, or the line's last two bytes
      }
      const int role = roles[c];
      if (role >= 0 && c + 1 < columns && p + 1 < content_end && p[1] == delimiter &&
          *p != delimiter) {
        // A one-byte answer followed by a delimiter: the common case, decoded by table.
        const answer_code code = tables[role][static_cast<unsigned char>(*p)];
        if (code == code_decoder::invalid) return false;  // includes '"' and '\r'
        codes[offset[c]] = code;
        p += 2;
        continue;
      }
      if (role >= 0 && p < content_end && *p == delimiter && c + 1 < columns) {
        codes[offset[c]] = blank_code;  // an empty answer
        ++p;
        continue;
      }
      if (role >= 0 && p + 1 == content_end) {  // a one-byte answer ending the line
        const answer_code code = tables[role][static_cast<unsigned char>(*p)];
        if (code == code_decoder::invalid) return false;
        codes[offset[c]] = code;
        ++p;
      } else {
        const char* const q = field_end(p, content_end, delimiter);
        if (q == nullptr) return false;  // a quote or a CR: the general path
        const std::string_view cell(p, static_cast<std::size_t>(q - p));
        if (role >= 0) {
          const answer_code code = item_decoder[static_cast<std::size_t>(role)]->decode(cell);
          if (code == code_decoder::invalid) return false;
          codes[offset[c]] = code;
        } else if (role == role_group) {
          const std::string_view key = trim_cell(cell);
          group = key.empty() ? -1 : group_keys.find(key);
          if (group < 0) return false;
        } else if (role == role_unit) {
          const std::string_view key = trim_cell(cell);
          unit = plan->units_declared ? (key.empty() ? -1 : unit_keys.find(key))
                                      : builder.resolve_unit(cell);
          if (unit < 0) return false;
        } else if (role == role_weight) {
          const std::string_view text = trim_cell(cell);
          const auto parse = [](std::string_view t, double& w) { return batch_builder::parse_weight(t, w); };
          if (!text.empty() && !weight_cache.parse(text, weight, parse)) return false;
        } else if (role == role_stratum) {
          if (trim_cell(cell).empty()) return false;
          stratum_cell = cell;  // registered only once the row is sure to be taken
        } else if (role == role_respondent) {
          id_cell = cell;  // claimed only once the row is sure to be taken
        }
        p = q;
      }
      // Between fields a delimiter, after the last one the end of the line: else the field
      // count differs from the header's and the general path reports it.
      if (c + 1 < columns) {
        if (p >= content_end || *p != delimiter) return false;
        ++p;
      } else if (p != content_end) {
        return false;
      }
    }
    // A duplicate id leaves the record to the general path, which rejects it (R208).
    if (check_ids && !claim_id(id_cell)) return false;
    stratum = has_stratum ? builder.add_stratum(stratum_cell) : group;
    const std::size_t next = static_cast<std::size_t>(line_end - b) + 1;
    pos = begin = next;
    record_line = line++;
    ++rows;
    builder.commit_decoded_row(group, unit, weight, record_line, stratum);
    if constexpr (Wide)
      if (++staged == detail::staged_rows_max) move_stage_to_batch();
    return true;
  }

  // Whether a batch's rows lie in more cells (unit and group) than half its rows: each cell then
  // gets a row or two a batch, and a larger batch would give it more at a time.
  [[nodiscard]] bool rows_spread_thin(const response_batch& batch) {
    const std::size_t groups = plan->group_count();
    cell_seen.assign(batch.unit_ids.size() * groups, 0);
    std::size_t cells_named = 0;
    for (Eigen::Index i = 0; i < batch.rows(); ++i) {
      if (batch.unit(i) < 0 || batch.group(i) < 0) continue;
      const auto cell = static_cast<std::size_t>(batch.unit(i)) * groups + static_cast<std::size_t>(batch.group(i));
      std::uint8_t& seen = cell_seen[cell];
      cells_named += seen == 0 ? 1 : 0;
      seen = 1;
    }
    return 2 * cells_named > static_cast<std::size_t>(batch.rows());
  }
  std::vector<std::uint8_t> cell_seen;  // rows_spread_thin's marks, kept from batch to batch

  // Moves the staged rows' codes into the batch (they are its last rows).
  void move_stage_to_batch() {
#if QSCORE_HAS_WIDE_CELLS
    if (staged == 0) return;
    const std::size_t first = static_cast<std::size_t>(builder.size()) - staged;
    detail::move_staged_codes(stage.data(), stage_stride, staged, plan->item_count(),
                              builder.committed_codes() + first, builder.code_stride());
    staged = 0;
#endif
  }

  // Restarts reading at the first record that starts at or after `offset` (> 0), assuming no
  // quoted field spans that point: drops everything up to the first LF at or after offset - 1.
  // Lines are counted from 1 again, relative to that record.
  void seek_to_record_at(std::uint64_t offset) {
    if (!source.seek(offset - 1)) {
      const int error_number = errno;
      failed = true;
      errors.push_back(file_problem(errc::file_io, "cannot seek in '" + name + "': " + system_message(error_number)));
      return;
    }
    begin = pos = end = 0;
    buffer_offset = offset - 1;
    at_eof = false;
    // The bytes before the first record belong to the previous range, which checks them; this
    // reader checks from its first record on.
    validating = false;
    utf8 = {};
    scan_state = state::between_records;
    skip_lf = false;
    line = 1;
    for (;;) {
      if (const void* lf = std::memchr(buffer.get() + pos, '\n', end - pos)) {
        pos = begin = static_cast<std::size_t>(static_cast<const char*>(lf) - buffer.get()) + 1;
        validating = true;
        check_bytes(pos, end);
        return;
      }
      pos = begin = end;  // nothing before a line end is needed
      if (at_eof || failed) return;
      fill();
    }
  }

  // ---- rows ---------------------------------------------------------------------------------

  // Hands the finished data record to the builder, which checks every value.
  void take_record() {
    move_stage_to_batch();  // the builder writes this row's codes itself
    ++rows;
    const std::size_t rejected_before = builder.rejected();
    check_record();
    if (options.keep_rejected_raw && builder.rejected() > rejected_before) {
      std::string& raw = builder.last_rejection().raw;
      if (too_long) raw = too_long_raw;
      else raw.assign(buffer.get() + begin, raw_end - begin);
    }
  }

  void check_record() {
    if (too_long) {
      builder.reject(record_line, errc::record_too_long, {},
                     too_long_bytes > 0 ? std::to_string(too_long_bytes) + " bytes"
                                        : "more than " + std::to_string(options.max_record_bytes) +
                                              " bytes over several lines (an open quote?)",
                     "a row of at most " + std::to_string(options.max_record_bytes) +
                         " bytes (--max-line-bytes)",
                     -1);
      return;
    }
    if (unterminated) {
      const std::string column =
          unterminated_field < header.size() ? header[unterminated_field] : std::string{};
      builder.reject(record_line, errc::unterminated_quote, column,
                     utf8_prefix(unterminated_text, unterminated_preview),
                     "a closing double quote on this line or within " +
                         std::to_string(options.max_quoted_lines) +
                         " lines (--max-quoted-lines); reading resumed on the next line",
                     -1);
      return;
    }
    if (nul_until > buffer_offset + begin && std::memchr(buffer.get() + begin, '\0', raw_end - begin) != nullptr) {
      std::size_t at = 0;  // the field holding the NUL (fields may live in scratch)
      while (at + 1 < fields.size() && std::memchr(fields[at].data(), '\0', fields[at].size()) == nullptr) ++at;
      std::string shown(utf8_prefix(fields.empty() ? std::string_view{} : fields[at], unterminated_preview));
      for (std::size_t i = 0; (i = shown.find('\0', i)) != std::string::npos;) shown.replace(i, 1, "\\0");
      builder.reject(record_line, errc::nul_byte, at < header.size() ? header[at] : std::string{}, shown,
                     "text without NUL bytes (a NUL is not text: the file may be damaged or binary)", -1);
      return;
    }
    if (fields.size() != header.size()) {
      builder.reject(record_line, errc::field_count, {}, std::to_string(fields.size()) + " fields",
                     std::to_string(header.size()) + " fields as in the header", -1);
      return;
    }
    for (std::size_t j = 0; j < item_columns.size(); ++j) cells[j] = fields[item_columns[j]];
    const std::string_view weight = weight_column != npos ? fields[weight_column] : std::string_view{};
    const std::string_view stratum =
        stratum_column != npos ? fields[stratum_column] : std::string_view{};
    const bool taken = builder.add_text_row(fields[group_column], fields[unit_column], cells,
                                            weight, record_line, stratum);
    // The id is checked last: a row with a bad value keeps that reason and claims no id.
    if (taken && check_ids && !claim_id(fields[respondent_column])) {
      const std::string_view id = batch_builder::trim(fields[respondent_column]);
      builder.retract_last(record_line, errc::duplicate_respondent, header[respondent_column],
                           utf8_prefix(id, unterminated_preview),
                           "a new respondent id: respondent id '" +
                               std::string(utf8_prefix(id, unterminated_preview)) +
                               "' already given on an earlier row (--allow-duplicate-ids "
                               "turns this check off)");
    }
  }
};

// ---- csv_reader -----------------------------------------------------------------------------

result<csv_reader> csv_reader::open(const std::filesystem::path& file, const scoring_plan& plan,
                                    csv_options options) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error_number = errno;
    diagnostic d;
    d.code = errc::file_io;
    d.message = "cannot open '" + file.string() + "': " + system_message(error_number);
    d.where.file = file.string();
    return std::vector<diagnostic>{std::move(d)};
  }
  auto state = std::make_unique<impl>(plan, options, file.string(), fd, std::string{});
  if (auto problems = state->start(); !problems.empty()) return problems;
  return csv_reader(std::move(state));
}

result<csv_reader> csv_reader::open(const std::filesystem::path& file, const scoring_plan& plan,
                                    csv_options options, csv_range range) {
  auto reader = open(file, plan, options);
  if (!reader) return reader;
  impl& s = *reader->impl_;
  if (range.begin > 0) {
    const std::uint64_t after_header = s.buffer_offset + s.pos;
    if (range.begin > after_header) s.seek_to_record_at(range.begin);
    if (s.failed) return s.errors;
  }
  s.range_end = range.end;
  s.reserve_claimed_ids(range);
  return reader;
}

result<csv_reader> csv_reader::from_string(std::string text, std::string name,
                                           const scoring_plan& plan, csv_options options) {
  auto state = std::make_unique<impl>(plan, options, std::move(name), -1, std::move(text));
  if (auto problems = state->start(); !problems.empty()) return problems;
  return csv_reader(std::move(state));
}

csv_reader::csv_reader(std::unique_ptr<impl> state) : impl_(std::move(state)) {}
csv_reader::csv_reader(csv_reader&&) noexcept = default;
csv_reader& csv_reader::operator=(csv_reader&&) noexcept = default;
csv_reader::~csv_reader() = default;

void csv_reader::set_batch_rows(Eigen::Index rows) {
  impl& s = *impl_;
  s.move_stage_to_batch();  // staged rows sit at the batch's current stride
  s.options.batch_rows = std::max<Eigen::Index>(rows, 1);
  s.builder.set_capacity(s.options.batch_rows);
}

bool csv_reader::next(response_batch& out) {
  impl& s = *impl_;
  const auto batch_rows = static_cast<std::size_t>(s.options.batch_rows);
  const std::size_t max_rejected = std::max(batch_rows, min_rejections_per_batch);
  while (!s.failed && !s.builder.full() && s.builder.rejected() < max_rejected) {
    if (s.try_fast_records()) continue;
    if (!s.next_record()) break;
    s.take_record();
  }
  s.move_stage_to_batch();
  if (s.failed) {
    // A read error voids the stream: the rows of the unfinished batch are dropped with it.
    static_cast<void>(s.builder.take());
    s.builder.take_into(out);
    return false;
  }
  const bool any = s.builder.size() > 0 || s.builder.rejected() > 0;
  s.builder.take_into(out);
  if (s.options.grow_spread_batches && out.rows() == s.options.batch_rows && s.options.batch_rows < spread_batch_rows &&
      s.rows_spread_thin(out))
    set_batch_rows(std::min(2 * s.options.batch_rows, spread_batch_rows));
  return any;
}

std::int64_t csv_reader::rows_read() const { return impl_->rows; }
std::int64_t csv_reader::lines_read() const { return impl_->line - 1; }
bool csv_reader::saw_quoted_line_break() const { return impl_->saw_quoted_break; }
bool csv_reader::splittable() const {
  // Ranges are offsets in the raw file: decoded text has other offsets, so it is read in one piece.
  return impl_->source.is_file() && !impl_->source.transcodes() && impl_->header_ends_with_lf;
}
const std::vector<diagnostic>& csv_reader::errors() const { return impl_->errors; }
const std::string& csv_reader::name() const { return impl_->name; }
const std::vector<std::uint64_t>& csv_reader::claimed_ids() const { return impl_->claimed; }
void csv_reader::take_claimed_ids(std::vector<std::uint64_t>& into) {
  into.clear();
  into.swap(impl_->claimed);
}

}  // namespace qscore
