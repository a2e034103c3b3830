// xoshiro256** 1.0 (Blackman and Vigna) seeded through splitmix64: the one random-number
// generator of qscore (the respondent generator, the rank bootstrap). Written out here, with
// integer arithmetic only, so that a seed gives the same sequence on every platform and standard
// library (std:: engines are exact, but std:: distributions are not specified exactly).
#pragma once

#include <cstdint>

namespace qscore::detail {

// xoshiro256** 1.0 (Blackman and Vigna), state filled from splitmix64.
class xoshiro256ss {
 public:
  // `stream` separates independent sequences drawn from one seed.
  explicit xoshiro256ss(std::uint64_t seed, std::uint64_t stream = 0) noexcept {
    std::uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ULL);
    for (auto& word : s_) word = splitmix64(x);
  }

  // A generator in a given state (the published test vectors start from state {1, 2, 3, 4}).
  static xoshiro256ss from_state(std::uint64_t s0, std::uint64_t s1, std::uint64_t s2,
                                 std::uint64_t s3) noexcept {
    xoshiro256ss g(0);
    g.s_[0] = s0;
    g.s_[1] = s1;
    g.s_[2] = s2;
    g.s_[3] = s3;
    return g;
  }

  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  static std::uint64_t splitmix64(std::uint64_t& x) noexcept {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4]{};
};

}  // namespace qscore::detail
