# Warnings as a non-exported INTERFACE target, linked PRIVATE into everything we build.
add_library(qscore_warnings INTERFACE)
target_compile_options(qscore_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  $<$<BOOL:${QSCORE_WARNINGS_AS_ERRORS}>:-Werror>)
