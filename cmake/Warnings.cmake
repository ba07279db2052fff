# tickcast_warnings(target): the warning set every project target compiles with.
# TICKCAST_WERROR (on in every preset) turns them into errors.
function(tickcast_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
  if(TICKCAST_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
