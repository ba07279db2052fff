# cmake -DDIR=<dir> -DMODE=clear|check -P sanitizer_reports_check.cmake
# clear: empty DIR (reports of an earlier run must not fail this one).
# check: print every file in DIR and fail if there is one.
if(MODE STREQUAL "clear")
  file(REMOVE_RECURSE ${DIR})
  file(MAKE_DIRECTORY ${DIR})
  return()
endif()

file(GLOB reports LIST_DIRECTORIES false ${DIR}/*)
if(NOT reports)
  message(STATUS "no sanitizer report in ${DIR}")
  return()
endif()
list(LENGTH reports count)
foreach(report IN LISTS reports)
  file(READ ${report} text LIMIT 20000)
  message("==== ${report}\n${text}")
endforeach()
message(FATAL_ERROR "${count} sanitizer report(s) in ${DIR}")
