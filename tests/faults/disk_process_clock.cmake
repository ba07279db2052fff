# Disk, process and clock faults (docs/reliability.md), included from
# tests/faults/CMakeLists.txt.
#
# The fault_fs shim is LD_PRELOADed into the daemon to fail writes, fsyncs
# and renames under its state dir on demand; it is built without sanitizers
# so it can sit in front of a sanitized binary.
add_library(tickcast_fault_fs SHARED ../support/fault_fs_shim.cpp)
target_compile_options(tickcast_fault_fs PRIVATE -fno-sanitize=all)
target_link_libraries(tickcast_fault_fs PRIVATE ${CMAKE_DL_LIBS})
tickcast_warnings(tickcast_fault_fs)

# The real daemon under disk faults (the shim), SIGTERM and kill -9, and a
# stepped wall clock (libfaketime, from Debian's faketime package).
tickcast_add_test(daemon_fault_tests
  SOURCES
    clock_step_test.cpp
    disk_faults_test.cpp
    fault_daemon.cpp
    process_faults_test.cpp
  LIBS tickcast::daemon)
target_compile_definitions(daemon_fault_tests PRIVATE
  TICKCAST_FAULT_FS_PATH="$<TARGET_FILE:tickcast_fault_fs>"
  TICKCAST_FAKETIME_LIBRARY="/usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/faketime/libfaketimeMT.so.1")
add_dependencies(daemon_fault_tests tickcast_fault_fs)

# kill -9 during bar-log and checkpoint writes, a few hundred times.
tickcast_add_test(kill_loop_tests SOURCES kill_loop_test.cpp LIBS tickcast::daemon)

# Exchange timestamps far in the future or the past, at the resampler.
tickcast_add_test(clock_fault_tests SOURCES clock_faults_test.cpp LIBS tickcast::feeds)
