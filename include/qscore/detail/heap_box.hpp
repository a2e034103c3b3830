// A value kept on the heap and made on first write: a member that most objects never fill then
// costs a pointer instead of its whole size. Copies are deep, as those of a plain member are.
#pragma once

#include <memory>

namespace qscore::detail {

template <class T>
class heap_box {
 public:
  heap_box() = default;
  heap_box(const heap_box& other) : value_(other.value_ ? std::make_unique<T>(*other.value_) : nullptr) {}
  heap_box& operator=(const heap_box& other) {
    if (this != &other) value_ = other.value_ ? std::make_unique<T>(*other.value_) : nullptr;
    return *this;
  }
  heap_box(heap_box&&) noexcept = default;
  heap_box& operator=(heap_box&&) noexcept = default;
  ~heap_box() = default;

  // Whether the value has been made.
  [[nodiscard]] bool made() const noexcept { return value_ != nullptr; }
  // The value, or a default-made T (shared, never written) when none has been made.
  [[nodiscard]] const T& get() const { return value_ ? *value_ : empty(); }
  // The value, made now when there is none.
  T& make() {
    if (!value_) value_ = std::make_unique<T>();
    return *value_;
  }
  // Drops the value and its storage.
  void clear() noexcept { value_.reset(); }

 private:
  static const T& empty() {
    static const T value{};
    return value;
  }
  std::unique_ptr<T> value_;
};

}  // namespace qscore::detail
