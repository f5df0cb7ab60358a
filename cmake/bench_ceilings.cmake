# cmake/bench_ceilings.cmake - the benchmarks' shared harness and their ceilings (make bench).
#
# Every bench/bench_*.c is already an executable (CMakeLists.txt); this file links what each
# needs. bench/harness.c (server processes, the demo cache, logins, the summary file) is shared
# by the programs that start servers. scripts/bench runs them and prints one summary table.
#   bench_sqlite_ceiling  the submissions' inserts straight into SQLite (1 and 100 per transaction)
#   bench_trivial_server  a libmicrohttpd server answering a fixed buffer, threaded as src/http
#   bench_http            submissions, timeline and triage over HTTP with wrk vs those ceilings
#   bench_startup         start-up time and resident memory of `stegvis serve` per region size
#   bench_postgres        the PostgreSQL column: a throwaway cluster of its own (scripts/pg-cluster)
#                         or $STEGVIS_BENCH_PG_URL; copy rate, submissions with one and two
#                         servers, reads, dashboards against the same SQL, start-up
# bench/wrk_run.c (wrk runs and their checks) is shared by bench_http and bench_postgres,
# bench/dashboard_shared.c (the indicator set as portable SQL, the C side, timed HTTP) by
# bench_dashboard and bench_postgres.
add_library(stegvis_bench_harness STATIC ${CMAKE_SOURCE_DIR}/bench/harness.c)
target_link_libraries(stegvis_bench_harness PUBLIC stegvis_core PkgConfig::CURL PkgConfig::JANSSON)

foreach(name bench_dashboard bench_sqlite_ceiling bench_trivial_server bench_http bench_startup
             bench_postgres)
  if(TARGET ${name})
    target_link_libraries(${name} PRIVATE stegvis_bench_harness)
  endif()
endforeach()
if(TARGET bench_sqlite_ceiling)
  target_link_libraries(bench_sqlite_ceiling PRIVATE ${STEGVIS_STORE_LIB} PkgConfig::SQLITE)
endif()
if(TARGET bench_trivial_server)
  target_link_libraries(bench_trivial_server PRIVATE ${STEGVIS_HTTP_LIB} PkgConfig::MHD
                        Threads::Threads)
endif()
foreach(name bench_http bench_postgres)
  if(TARGET ${name})
    target_sources(${name} PRIVATE ${CMAKE_SOURCE_DIR}/bench/wrk_run.c)
    target_link_libraries(${name} PRIVATE PkgConfig::SQLITE)
    target_compile_definitions(${name} PRIVATE STEGVIS_BENCH_LUA_DIR="${CMAKE_SOURCE_DIR}/bench")
  endif()
endforeach()
foreach(name bench_dashboard bench_postgres)
  if(TARGET ${name})
    target_sources(${name} PRIVATE ${CMAKE_SOURCE_DIR}/bench/dashboard_shared.c)
    target_link_libraries(${name} PRIVATE ${STEGVIS_STORE_LIB} PkgConfig::CURL)
  endif()
endforeach()
if(TARGET bench_postgres)
  target_link_libraries(bench_postgres PRIVATE PkgConfig::PQ)
  target_compile_definitions(bench_postgres PRIVATE
    STEGVIS_BENCH_PG_CLUSTER="${CMAKE_SOURCE_DIR}/scripts/pg-cluster")
endif()
