# Sanitizer and fuzzing builds (docs/reliability.md).
#
#   -DFUNDLOG_SANITIZE=address  AddressSanitizer + UndefinedBehaviorSanitizer,
#                               every finding fatal (-fno-sanitize-recover=all)
#   -DFUNDLOG_SANITIZE=thread   ThreadSanitizer
#   -DFUNDLOG_FUZZ=ON           libFuzzer targets under tests/fuzz (clang only);
#                               all code gets coverage instrumentation
#                               (-fsanitize=fuzzer-no-link)
#   -DFUNDLOG_BENCHMARKS=OFF    skip tools/bench (the sanitizer build does)
#
# The flags apply to every target we build; Debian's libraries (RocksDB,
# Protobuf, Abseil, OpenSSL) are not instrumented.
set(FUNDLOG_SANITIZE "" CACHE STRING "Sanitizer build: '', address or thread")
set_property(CACHE FUNDLOG_SANITIZE PROPERTY STRINGS "" address thread)
option(FUNDLOG_FUZZ "Build the libFuzzer targets (needs clang)" OFF)
option(FUNDLOG_BENCHMARKS "Build the Google Benchmark programs" ON)

if(FUNDLOG_SANITIZE STREQUAL "address")
  set(fundlog_sanitize_flags -fsanitize=address,undefined
                             -fno-sanitize-recover=all)
elseif(FUNDLOG_SANITIZE STREQUAL "thread")
  set(fundlog_sanitize_flags -fsanitize=thread)
elseif(NOT FUNDLOG_SANITIZE STREQUAL "")
  message(FATAL_ERROR "FUNDLOG_SANITIZE must be '', address or thread, "
                      "not '${FUNDLOG_SANITIZE}'")
endif()

if(fundlog_sanitize_flags)
  add_compile_options(${fundlog_sanitize_flags} -fno-omit-frame-pointer -g1)
  add_link_options(${fundlog_sanitize_flags})
endif()

# Debian's Abseil is not built for TSan: make its mutex visible to TSan in
# every executable (tests/tsan/absl_mutex_annotations.cc says how and why).
if(FUNDLOG_SANITIZE STREQUAL "thread")
  add_library(fundlog_tsan_absl OBJECT
              ${CMAKE_SOURCE_DIR}/tests/tsan/absl_mutex_annotations.cc)
  target_link_libraries(fundlog_tsan_absl PUBLIC absl::synchronization
                        ${CMAKE_DL_LIBS})
  link_libraries(fundlog_tsan_absl)
endif()

if(FUNDLOG_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "FUNDLOG_FUZZ needs clang (libFuzzer): configure with "
                        "-DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
