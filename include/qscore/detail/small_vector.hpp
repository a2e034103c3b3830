// A vector that keeps up to N elements inside itself and moves to the heap beyond that.
//
// A tally's cell holds several per-score-column arrays (its sums, its open block, each
// stratum's moments and open block). There is nearly always one score column and, when the
// strata are the groups, one stratum a cell: as std::vectors they were six heap blocks a cell,
// so a row of a survey of thousands of units chased pointers through cache misses one after
// the other (bench/RESULTS.md, twenty-fifth round). Inline, a cell is one block whose parts'
// addresses follow from its own.
//
// The subset of std::vector the tally uses: size, indexing, iteration, push/emplace_back,
// resize, assign, clear, reserve, copies and moves (a moved-from small_vector is empty; pointers
// into inline elements do not survive a move). Up to 2^32 - 1 elements: a size and a capacity
// of 32 bits and the heap pointer sharing the inline room keep the bookkeeping to 8 bytes
// beyond the elements. (A data pointer beside 64-bit size and capacity took 24, 16 more for
// each of a cell's six such vectors: 96 bytes a cell.)
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <memory>
#include <stdexcept>
#include <utility>

namespace qscore::detail {

template <class T, std::size_t N>
class small_vector {
  static_assert(N > 0, "small_vector keeps at least one element inline");

 public:
  using value_type = T;
  using size_type = std::size_t;
  using iterator = T*;
  using const_iterator = const T*;
  using reference = T&;
  using const_reference = const T&;

  small_vector() noexcept {}
  small_vector(std::initializer_list<T> values) { append_copies(values.begin(), values.end()); }
  small_vector(const small_vector& other) { append_copies(other.begin(), other.end()); }
  small_vector(small_vector&& other) noexcept { take(std::move(other)); }
  small_vector& operator=(const small_vector& other) {
    if (this != &other) {
      clear();
      append_copies(other.begin(), other.end());
    }
    return *this;
  }
  small_vector& operator=(small_vector&& other) noexcept {
    if (this != &other) {
      release();
      take(std::move(other));
    }
    return *this;
  }
  small_vector& operator=(std::initializer_list<T> values) {
    clear();
    append_copies(values.begin(), values.end());
    return *this;
  }
  ~small_vector() { release(); }

  [[nodiscard]] size_type size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] size_type capacity() const noexcept { return capacity_; }
  [[nodiscard]] bool is_inline() const noexcept { return capacity_ == N; }

  [[nodiscard]] T* data() noexcept { return is_inline() ? inline_data() : heap_; }
  [[nodiscard]] const T* data() const noexcept { return is_inline() ? inline_data() : heap_; }
  [[nodiscard]] T& operator[](size_type i) noexcept { return data()[i]; }
  [[nodiscard]] const T& operator[](size_type i) const noexcept { return data()[i]; }
  [[nodiscard]] T& front() noexcept { return data()[0]; }
  [[nodiscard]] const T& front() const noexcept { return data()[0]; }
  [[nodiscard]] T& back() noexcept { return data()[size_ - 1]; }
  [[nodiscard]] const T& back() const noexcept { return data()[size_ - 1]; }
  [[nodiscard]] iterator begin() noexcept { return data(); }
  [[nodiscard]] iterator end() noexcept { return data() + size_; }
  [[nodiscard]] const_iterator begin() const noexcept { return data(); }
  [[nodiscard]] const_iterator end() const noexcept { return data() + size_; }

  void reserve(size_type wanted) {
    if (wanted > capacity_) grow_to(wanted);
  }
  template <class... Args>
  T& emplace_back(Args&&... args) {
    if (size_ == capacity_) grow_to(size_type{capacity_} * 2);
    T* made = std::construct_at(data() + size_, std::forward<Args>(args)...);
    ++size_;
    return *made;
  }
  void push_back(const T& value) { emplace_back(value); }
  void push_back(T&& value) { emplace_back(std::move(value)); }

  // Value-initialised new elements, as std::vector::resize.
  void resize(size_type n) {
    if (n < size_) {
      shrink_to(n);
      return;
    }
    reserve(n);
    for (T* const at = data(); size_ < n; ++size_) std::construct_at(at + size_);
  }
  void assign(size_type n, const T& value) {
    clear();
    reserve(n);
    for (T* const at = data(); size_ < n; ++size_) std::construct_at(at + size_, value);
  }
  void clear() noexcept { shrink_to(0); }

  friend bool operator==(const small_vector& a, const small_vector& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  // The inline room, through an empty asm that hides where the pointer points: GCC 12 otherwise
  // sees an index past N on the inline branch of data() (a branch no run takes once an element
  // beyond N has gone to the heap) and warns (-Warray-bounds); telling it instead that an
  // inline index is under N (__builtin_unreachable) crashed its loop optimiser at -O3.
  T* inline_data() noexcept { return opaque(reinterpret_cast<T*>(storage_)); }
  const T* inline_data() const noexcept { return opaque(reinterpret_cast<const T*>(storage_)); }
  template <class P>
  static P* opaque(P* pointer) noexcept {
#if defined(__GNUC__)
    __asm__("" : "+r"(pointer));
#endif
    return pointer;
  }

  template <class It>
  void append_copies(It first, It last) {
    reserve(size_ + static_cast<size_type>(last - first));
    for (T* const at = data(); first != last; ++first, ++size_) std::construct_at(at + size_, *first);
  }
  void shrink_to(size_type n) noexcept {
    T* const at = data();
    std::destroy(at + n, at + size_);
    size_ = static_cast<std::uint32_t>(n);
  }
  // Moves the elements to a heap block of `wanted` places.
  void grow_to(size_type wanted) {
    wanted = std::max(wanted, N + 1);
    if (wanted > std::numeric_limits<std::uint32_t>::max()) throw std::length_error("qscore::detail::small_vector: too many elements");
    T* const block = std::allocator<T>{}.allocate(wanted);
    T* const old = data();
    std::uninitialized_move(old, old + size_, block);
    std::destroy(old, old + size_);
    if (!is_inline()) std::allocator<T>{}.deallocate(old, capacity_);
    heap_ = block;
    capacity_ = static_cast<std::uint32_t>(wanted);
  }
  // Destroys the elements and gives back a heap block; leaves the vector empty and inline.
  void release() noexcept {
    clear();
    if (!is_inline()) std::allocator<T>{}.deallocate(heap_, capacity_);
    capacity_ = N;
  }
  // Takes `other`'s elements, leaving it empty: its heap block as it is, inline ones one by one.
  void take(small_vector&& other) noexcept {
    if (other.is_inline()) {
      std::uninitialized_move(other.begin(), other.end(), inline_data());
      size_ = other.size_;
      other.clear();
      return;
    }
    heap_ = other.heap_;
    size_ = other.size_;
    capacity_ = other.capacity_;
    other.size_ = 0;
    other.capacity_ = N;
  }

  // capacity_ == N: the elements are in storage_; else in heap_'s block of capacity_ places.
  std::uint32_t size_ = 0;
  std::uint32_t capacity_ = N;
  union {
    T* heap_;
    alignas(T) std::byte storage_[N * sizeof(T)];
  };
};

}  // namespace qscore::detail
