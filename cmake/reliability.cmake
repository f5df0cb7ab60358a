# cmake/reliability.cmake - included from CMakeLists.txt (filled by the work on issues 7 and 8).
