// The guard pass: see yaml_guard.hpp. The handler throws `stop` from inside yaml-cpp's parser
// at the first event that breaks a limit; yaml-cpp's parser is exception-safe (its own depth
// guard unwinds the same way), and the parser object is dropped afterwards.
#include "yaml_guard.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace qscore::detail {
namespace {

// Why no anchors: a definition is short and written by hand, and nothing in the format needs a
// shared subtree; refusing them removes alias bombs and cycles (`&a [*a]`) at the root.
constexpr const char* no_anchors =
    "; a definition is written out in full, without anchors, aliases or merge keys (copy the "
    "repeated part instead)";

std::string too_deep_message(const definition_limits& limits) {
  return "sequences and mappings nested more than " + std::to_string(limits.max_depth) +
         " levels deep; a definition needs a handful";
}

struct stop {
  yaml_refusal refusal;
};

class guard_handler : public YAML::EventHandler {
 public:
  explicit guard_handler(const definition_limits& limits) : limits_(limits) {}

  YAML::Mark second_document = YAML::Mark::null_mark();
  bool saw_second = false;

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (documents_++ == 1) {
      // The second document is not parsed at all: only where it starts matters.
      second_document = mark;
      saw_second = true;
      throw stop{};
    }
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { node(mark, anchor); }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    refuse(errc::yaml_alias, mark, std::string("YAML aliases (*name) are not supported") + no_anchors);
  }

  void OnAnchor(const YAML::Mark& mark, const std::string& name) override {
    refuse(errc::yaml_alias, mark, "YAML anchors (&" + name + ") are not supported" + no_anchors);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    const bool key = node(mark, anchor);
    if (value.size() > limits_.max_scalar_bytes)
      refuse(errc::scalar_too_long, mark,
             "a scalar of " + std::to_string(value.size()) + " bytes, longer than the limit of " +
                 std::to_string(limits_.max_scalar_bytes) + " bytes");
    // A plain `<<` key is YAML 1.1's merge key; yaml-cpp 0.7 would keep it as an ordinary key.
    if (key && tag == "?" && value == "<<")
      refuse(errc::yaml_alias, mark, std::string("merge keys (<<) are not supported") + no_anchors);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor, false);
  }
  void OnSequenceEnd() override { frames_.pop_back(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor, true);
  }
  void OnMapEnd() override { frames_.pop_back(); }

 private:
  struct frame {
    bool map = false;
    bool next_is_key = true;  // in a mapping: keys and values alternate
  };

  [[noreturn]] static void refuse(errc code, const YAML::Mark& mark, std::string message) {
    throw stop{yaml_refusal{code, mark, std::move(message)}};
  }

  // Counts a node; returns whether it is a mapping key.
  bool node(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor)  // OnAnchor comes first; this is a second line of defence
      refuse(errc::yaml_alias, mark, std::string("YAML anchors are not supported") + no_anchors);
    if (++nodes_ > limits_.max_nodes)
      refuse(errc::too_many_nodes, mark,
             "more than " + std::to_string(limits_.max_nodes) +
                 " YAML nodes (keys, values, sequences and mappings); the limit guards against "
                 "files that are not questionnaire definitions");
    if (frames_.empty() || !frames_.back().map) return false;
    const bool key = frames_.back().next_is_key;
    frames_.back().next_is_key = !key;
    return key;
  }

  void open(const YAML::Mark& mark, YAML::anchor_t anchor, bool map) {
    node(mark, anchor);
    if (frames_.size() >= static_cast<std::size_t>(limits_.max_depth))
      refuse(errc::definition_too_deep, mark, too_deep_message(limits_));
    frames_.push_back(frame{map, true});
  }

  const definition_limits& limits_;
  std::vector<frame> frames_;
  std::size_t nodes_ = 0;
  int documents_ = 0;
};

// A byte scan for '[' and '{' opened and not closed, before yaml-cpp sees the text. Why: an
// unclosed '[' is a possible `[...]: value` key, so yaml-cpp's scanner reads ahead to the end of
// the input before it emits the first event, queueing a token per '[': 4 MiB of '[' took 15 s
// and hundreds of MB before the guard's handler was ever called. The scan skips comments and
// quoted scalars (a quote counts only where a node can start); brackets in plain or block
// scalars are counted, which could refuse a file only if 65 of them were open at once. Apart
// from that it under-counts real nesting (block collections have no brackets), and the handler
// above checks the true depth anyway.
std::optional<yaml_refusal> unclosed_brackets(const std::string& text, const definition_limits& limits) {
  enum class state : std::uint8_t { plain, single_quoted, double_quoted, comment };
  state now = state::plain;
  long depth = 0;
  char last = '\n';  // the last significant character outside quotes (a line start counts as '\n')
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (now) {
      case state::comment:
        if (c == '\n' || c == '\r') {
          now = state::plain;
          last = '\n';
        }
        continue;
      case state::single_quoted:
        if (c == '\'') {
          if (i + 1 < text.size() && text[i + 1] == '\'') ++i;  // '' is a quote inside
          else now = state::plain;
        }
        continue;
      case state::double_quoted:
        if (c == '\\') ++i;
        else if (c == '"') now = state::plain;
        continue;
      case state::plain: break;
    }
    const bool node_start = last == '\n' || last == ' ' || last == '\t' || last == ':' || last == ',' ||
                            last == '[' || last == '{' || last == '-' || last == '?';
    if (c == '#' && (last == '\n' || last == ' ' || last == '\t')) {
      now = state::comment;
      continue;
    }
    if ((c == '\'' || c == '"') && node_start) {
      now = c == '\'' ? state::single_quoted : state::double_quoted;
      last = 'x';
      continue;
    }
    if (c == '[' || c == '{') {
      if (++depth > limits.max_depth) {
        YAML::Mark mark;
        mark.pos = static_cast<int>(i);  // texts are at most a few MiB (max_bytes)
        return yaml_refusal{errc::definition_too_deep, mark, too_deep_message(limits)};
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
    last = c == '\r' ? '\n' : c;
  }
  return std::nullopt;
}

}  // namespace

yaml_guard_result guard_yaml(const std::string& text, const definition_limits& limits) {
  yaml_guard_result out;
  if (text.size() <= static_cast<std::size_t>(std::numeric_limits<int>::max()))
    if ((out.refusal = unclosed_brackets(text, limits))) return out;
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  guard_handler handler(limits);
  try {
    // Never more than two calls: yaml-cpp 0.7's LoadAll loops forever on a stray ',' at the start
    // of a document (jbeder/yaml-cpp#1040), because each call makes an empty document.
    if (!parser.HandleNextDocument(handler)) {
      out.empty = true;
      return out;
    }
    (void)parser.HandleNextDocument(handler);
  } catch (stop& s) {
    if (!handler.saw_second) out.refusal = std::move(s.refusal);
  }
  out.second_document = handler.second_document;
  return out;
}

}  // namespace qscore::detail
