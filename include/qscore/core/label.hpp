// A label that may be written in several languages (zh, en, ...), in the order the author gave.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qscore {

class label {
 public:
  label() = default;
  // A label in one unnamed language: what `label: Satisfied` in YAML gives.
  label(std::string text) { texts_.emplace_back(std::string{}, std::move(text)); }  // NOLINT
  label(const char* text) : label(std::string(text)) {}                               // NOLINT

  void set(std::string language, std::string text) {
    for (auto& [lang, value] : texts_)
      if (lang == language) {
        value = std::move(text);
        return;
      }
    texts_.emplace_back(std::move(language), std::move(text));
  }

  // Appends a language the caller knows is not there yet (the YAML loader, whose keys are already
  // unique): set() would scan, which is quadratic over a label with very many languages.
  void append_new(std::string language, std::string text) { texts_.emplace_back(std::move(language), std::move(text)); }

  // The text in `language`; else the first one given; else `fallback`.
  [[nodiscard]] std::string get(std::string_view language, std::string_view fallback = {}) const {
    for (const auto& [lang, value] : texts_)
      if (lang == language) return value;
    if (!texts_.empty()) return texts_.front().second;
    return std::string(fallback);
  }

  [[nodiscard]] bool empty() const { return texts_.empty(); }
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& texts() const { return texts_; }

  friend bool operator==(const label&, const label&) = default;

 private:
  std::vector<std::pair<std::string, std::string>> texts_;  // (language, text); language "" = unnamed
};

}  // namespace qscore
