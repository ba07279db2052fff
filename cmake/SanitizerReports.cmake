# Sanitizer reports fail the test run, wherever they come from.
#
# The asan and tsan test presets point the sanitizers' log_path at
# <build>/sanitizer-reports/ (CMakePresets.json). A report from a tickcast
# child process lands there even when the test that started it never looks:
# a daemon killed with SIGKILL on purpose, a replay exchange stopped with
# SIGTERM. So every test requires the fixture `sanitizer_reports`: ctest
# empties the directory before the first test and, after the last one, runs
# sanitizer_reports.none, which prints every report there and fails if there
# is one. In builds without a sanitizer the directory stays empty and the
# check passes.
#
# tickcast_add_test() and tickcast_add_bench() put their tests in the fixture;
# a test added with add_test() names it in its own set_tests_properties()
# (CMake 3.25 can set test properties only from the directory that added the
# test). The top level calls tickcast_check_sanitizer_reports() once.
set(TICKCAST_SANITIZER_REPORTS_DIR ${PROJECT_BINARY_DIR}/sanitizer-reports)

function(tickcast_check_sanitizer_reports)
  file(MAKE_DIRECTORY ${TICKCAST_SANITIZER_REPORTS_DIR})
  add_test(NAME sanitizer_reports.clear
           COMMAND ${CMAKE_COMMAND} -DDIR=${TICKCAST_SANITIZER_REPORTS_DIR} -DMODE=clear
                   -P ${PROJECT_SOURCE_DIR}/cmake/sanitizer_reports_check.cmake)
  add_test(NAME sanitizer_reports.none
           COMMAND ${CMAKE_COMMAND} -DDIR=${TICKCAST_SANITIZER_REPORTS_DIR} -DMODE=check
                   -P ${PROJECT_SOURCE_DIR}/cmake/sanitizer_reports_check.cmake)
  set_tests_properties(sanitizer_reports.clear PROPERTIES FIXTURES_SETUP sanitizer_reports)
  set_tests_properties(sanitizer_reports.none PROPERTIES FIXTURES_CLEANUP sanitizer_reports)
endfunction()
