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

# PostgreSQL for the tests of modules declared with POSTGRES (store/testing/test_database.h).
# Empty: ctest starts a throw-away server (tests/postgres) for them; "skip": their PostgreSQL
# variants are skipped; anything else: the connection string of a server to use instead.
set(SEDUN_TEST_POSTGRES "" CACHE STRING
    "PostgreSQL for tests: empty = ctest starts one, 'skip', or a connection string")
set(SEDUN_POSTGRES_FIXTURE_DIR ${PROJECT_BINARY_DIR}/tests/postgres/cluster)

# The test properties that give a test program its PostgreSQL: SEDUN_TEST_POSTGRES names a file
# holding the connection string (the fixture's port is known only once it has started).
function(sedun_postgres_test_properties out_var)
  if(SEDUN_TEST_POSTGRES STREQUAL "skip")
    set(${out_var} ENVIRONMENT_MODIFICATION "SEDUN_TEST_POSTGRES=set:skip" PARENT_SCOPE)
  elseif(SEDUN_TEST_POSTGRES)
    set(file ${PROJECT_BINARY_DIR}/tests/postgres/external_conninfo)
    file(WRITE ${file} "${SEDUN_TEST_POSTGRES}\n")
    file(CHMOD ${file} PERMISSIONS OWNER_READ OWNER_WRITE)
    set(${out_var} ENVIRONMENT_MODIFICATION "SEDUN_TEST_POSTGRES=set:${file}" PARENT_SCOPE)
  else()
    set(${out_var}
        ENVIRONMENT_MODIFICATION "SEDUN_TEST_POSTGRES=set:${SEDUN_POSTGRES_FIXTURE_DIR}/conninfo"
        FIXTURES_REQUIRED postgres PARENT_SCOPE)
  endif()
endfunction()

# sedun_module(NAME [POSTGRES] DEPS... TEST_DEPS...): a static library from every non-test .cc in
# the current folder (and its subfolders), plus, outside fuzz builds, one test program from its
# *_test.cc files registered with ctest. Tests sit beside the code they test. POSTGRES: the tests
# use store/testing and get a PostgreSQL server (see SEDUN_TEST_POSTGRES above).
function(sedun_module name)
  cmake_parse_arguments(M "POSTGRES" "" "DEPS;TEST_DEPS" ${ARGN})
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
    set(pg_props)
    set(pg_naming)
    if(M_POSTGRES)
      sedun_postgres_test_properties(pg_props)
      # Suites named by EngineParamName end in /sqlite, /postgres: keep gtest's value comment
      # out of the ctest names.
      set(pg_naming NO_PRETTY_VALUES)
    endif()
    gtest_discover_tests(${name}_test TEST_PREFIX "${name}." ${pg_naming}
      PROPERTIES ENVIRONMENT "SEDUN_VECTORS=${PROJECT_SOURCE_DIR}/tests/vectors" ${pg_props}
      DISCOVERY_TIMEOUT 60)
  endif()
endfunction()
