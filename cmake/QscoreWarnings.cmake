# Warnings as a non-exported INTERFACE target, linked PRIVATE into everything we build.
add_library(qscore_warnings INTERFACE)
target_compile_options(qscore_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  $<$<BOOL:${QSCORE_WARNINGS_AS_ERRORS}>:-Werror>)
# GCC 12 at -O3 reports impossible overlaps in std::string's operator+ ("accessing
# 9223372036854775810 or more bytes"): GCC bug 105651, a false positive fixed in GCC 13.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(qscore_warnings INTERFACE -Wno-restrict)
endif()
