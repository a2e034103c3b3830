# Sanitizers as a non-exported INTERFACE target: QSCORE_SANITIZE=address;undefined or thread.
add_library(qscore_sanitizers INTERFACE)
if(QSCORE_SANITIZE)
  string(REPLACE ";" "," _qscore_sanitizers "${QSCORE_SANITIZE}")
  target_compile_options(qscore_sanitizers INTERFACE
    -fsanitize=${_qscore_sanitizers} -fno-sanitize-recover=all -fno-omit-frame-pointer -g)
  target_link_options(qscore_sanitizers INTERFACE -fsanitize=${_qscore_sanitizers})
endif()
