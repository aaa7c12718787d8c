# Shared compiler settings and the helpers every folder uses to declare its library and tests.
include(GoogleTest)

add_library(sedun_warnings INTERFACE)
target_compile_options(sedun_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wformat=2
  -Wimplicit-fallthrough)
if(SEDUN_WERROR)
  target_compile_options(sedun_warnings INTERFACE -Werror)
endif()

if(SEDUN_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
if(SEDUN_FUZZ)
  # Libraries get coverage instrumentation; the fuzz targets link libFuzzer's main.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# sedun_module(NAME DEPS...): a static library from every non-test .cc in the current folder
# (and its ossl/ subfolder when present), plus, outside fuzz builds, one test program from its
# *_test.cc files registered with ctest. Tests sit beside the code they test.
function(sedun_module name)
  cmake_parse_arguments(M "" "" "DEPS;TEST_DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  set(lib_srcs)
  set(test_srcs)
  foreach(s IN LISTS srcs)
    if(s MATCHES "_test\\.cc$")
      list(APPEND test_srcs ${s})
    else()
      list(APPEND lib_srcs ${s})
    endif()
  endforeach()
  if(lib_srcs)
    add_library(${name} STATIC ${lib_srcs})
    target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/include)
    target_link_libraries(${name} PUBLIC ${M_DEPS} PRIVATE sedun_warnings)
  else()
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/include)
    target_link_libraries(${name} INTERFACE ${M_DEPS})
  endif()
  if(test_srcs AND NOT SEDUN_FUZZ)
    add_executable(${name}_test ${test_srcs})
    target_link_libraries(${name}_test PRIVATE ${name} sedun_test_util ${M_TEST_DEPS}
                          GTest::gtest GTest::gtest_main sedun_warnings)
    gtest_discover_tests(${name}_test TEST_PREFIX "${name}."
      PROPERTIES ENVIRONMENT "SEDUN_VECTORS=${PROJECT_SOURCE_DIR}/tests/vectors"
      DISCOVERY_TIMEOUT 60)
  endif()
endfunction()
