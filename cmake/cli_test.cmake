# fundlog_cli_test(NAME SOURCES file.cc... [LIBS lib...] [LABELS label...]):
# an end-to-end
# test that drives the built `fundlog` binary through tests/cli_harness.cc,
# with the binary's path, the source tree and tests/data compiled in. Defined
# here, before any subdirectory, so that a layer's own end-to-end tests can
# live beside its code (core/formats/sie) as well as in tests/.
function(fundlog_cli_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES}
                 ${FUNDLOG_SOURCE_DIR}/tests/cli_harness.cc)
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} fundlog_io GTest::gmock
                        GTest::gtest_main absl::strings absl::str_format)
  target_compile_definitions(${name} PRIVATE
    FUNDLOG_BINARY="$<TARGET_FILE:fundlog>"
    FUNDLOG_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    FUNDLOG_TEST_DATA_DIR="${FUNDLOG_TEST_DATA_DIR}")
  add_dependencies(${name} fundlog)
  fundlog_warnings(${name})
  if(ARG_LABELS)
    gtest_discover_tests(${name} PROPERTIES TIMEOUT 600 LABELS "${ARG_LABELS}")
  else()
    gtest_discover_tests(${name} PROPERTIES TIMEOUT 600)
  endif()
endfunction()
