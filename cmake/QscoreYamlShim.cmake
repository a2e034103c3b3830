# yaml-cpp 0.7 (Debian 12) exports the target `yaml-cpp`; 0.8 and later export
# `yaml-cpp::yaml-cpp`. Give both the one name qscore links: qscore::yaml.
if(NOT TARGET qscore::yaml)
  add_library(qscore::yaml INTERFACE IMPORTED)
  if(TARGET yaml-cpp::yaml-cpp)
    set_target_properties(qscore::yaml PROPERTIES INTERFACE_LINK_LIBRARIES yaml-cpp::yaml-cpp)
  else()
    set_target_properties(qscore::yaml PROPERTIES INTERFACE_LINK_LIBRARIES yaml-cpp)
  endif()
endif()
