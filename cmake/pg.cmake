# cmake/pg.cmake - included from CMakeLists.txt: the PostgreSQL test runs (issue 7).
#
# Every test of tests/store and tests/http runs a second time as pg/<dir>/<name>, on PostgreSQL:
# the same test binaries, with STEGVIS_TEST_PG_FILE naming the file that holds the base URL of
# one throwaway cluster (scripts/pg-cluster) that the fixture tests pg/cluster-start and
# pg/cluster-stop run around them. Each test makes databases of its own in it
# (tests/support/testdb.h), so ctest -j runs them in parallel. The tests of tests/pg are
# PostgreSQL-only. `ctest -E '^pg/'` runs the SQLite suite alone; `ctest -R '^pg/'` the
# PostgreSQL one.
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq) # Debian package libpq-dev

# The tests' database helpers (tests/support/testdb.c) speak to both backends.
target_link_libraries(stegvis_testsupport PUBLIC PkgConfig::LIBPQ PkgConfig::SQLITE)

set(PG_CLUSTER_SCRIPT ${CMAKE_SOURCE_DIR}/scripts/pg-cluster)
set(PG_CLUSTER_DIR ${CMAKE_BINARY_DIR}/pg-cluster)
set(PG_TEST_ENV "STEGVIS_BIN=$<TARGET_FILE:stegvis>" "STEGVIS_DATA=${CMAKE_SOURCE_DIR}/data"
                "STEGVIS_TEST_PG_FILE=${PG_CLUSTER_DIR}/url"
                "STEGVIS_PG_CLUSTER=${PG_CLUSTER_SCRIPT}")

add_test(NAME pg/cluster-start COMMAND ${PG_CLUSTER_SCRIPT} start ${PG_CLUSTER_DIR})
set_tests_properties(pg/cluster-start PROPERTIES FIXTURES_SETUP pg_cluster TIMEOUT 120)
add_test(NAME pg/cluster-stop COMMAND ${PG_CLUSTER_SCRIPT} stop ${PG_CLUSTER_DIR})
set_tests_properties(pg/cluster-stop PROPERTIES FIXTURES_CLEANUP pg_cluster TIMEOUT 120)

# pg/<dir>/<name> for every test that stegvis_tests(<dir>) made.
foreach(dir store http)
  file(GLOB tests CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/${dir}/test_*.c)
  foreach(src ${tests})
    get_filename_component(name ${src} NAME_WE)
    add_test(NAME pg/${dir}/${name} COMMAND ${name})
    set_tests_properties(pg/${dir}/${name} PROPERTIES ENVIRONMENT "${PG_TEST_ENV}"
                         FIXTURES_REQUIRED pg_cluster TIMEOUT 300)
  endforeach()
endforeach()

# tests/pg: PostgreSQL-only. test_pg_two_servers uses the shared cluster; test_pg_outage starts,
# kills and restarts a cluster of its own (scripts/pg-cluster, $STEGVIS_PG_CLUSTER).
file(GLOB PG_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/pg/test_*.c)
foreach(src ${PG_TESTS})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_link_libraries(${name} PRIVATE stegvis_testsupport Threads::Threads)
  add_test(NAME pg/pg/${name} COMMAND ${name})
  set_tests_properties(pg/pg/${name} PROPERTIES ENVIRONMENT "${PG_TEST_ENV}"
                       FIXTURES_REQUIRED pg_cluster TIMEOUT 300)
endforeach()
