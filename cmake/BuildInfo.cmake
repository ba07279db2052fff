# Records the version and the git commit for tickcast_build_info and `tickcast version`.
# The commit is read at configure time; "unknown" outside a git checkout.
execute_process(
  COMMAND git rev-parse --short=12 HEAD
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
  OUTPUT_VARIABLE TICKCAST_GIT_COMMIT
  OUTPUT_STRIP_TRAILING_WHITESPACE
  ERROR_QUIET
  RESULT_VARIABLE _git_result)
if(NOT _git_result EQUAL 0 OR TICKCAST_GIT_COMMIT STREQUAL "")
  set(TICKCAST_GIT_COMMIT "unknown")
endif()
