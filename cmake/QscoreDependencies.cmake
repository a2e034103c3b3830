# Every dependency comes from Debian 12 packages (see README, "Building").
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
# Boost.Spirit X3 (header-only) for the formula grammar in src/expr/.
find_package(Boost 1.74 REQUIRED)
set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)
include(QscoreYamlShim)
