# cmake/bench_ceilings.cmake - included from CMakeLists.txt (filled by the work on issues 7 and 8).
