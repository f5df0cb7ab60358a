# cmake/fuzz.cmake - included from CMakeLists.txt: the libFuzzer targets (tests/fuzz/fuzz_*.c),
# built with -DSTEGVIS_FUZZ=ON and clang only (scripts/fuzz does that in build-fuzz/; make fuzz,
# make fuzz-check). Off, this file adds nothing.
#
# Like STEGVIS_SANITIZE, the option instruments every target: the libraries are compiled with
# -fsanitize=fuzzer-no-link (coverage for libFuzzer), address and undefined. The flags go into
# CMAKE_C_FLAGS and CMAKE_EXE_LINKER_FLAGS, which CMake reads when it generates, so they reach the
# targets CMakeLists.txt defined before including this file. Each fuzz target links
# -fsanitize=fuzzer (libFuzzer's main) and the project libraries, plus tests/fuzz/support.
option(STEGVIS_FUZZ "Build the libFuzzer targets (clang only)" OFF)
if(NOT STEGVIS_FUZZ)
  return()
endif()
if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "STEGVIS_FUZZ needs clang (-DCMAKE_C_COMPILER=clang), not ${CMAKE_C_COMPILER_ID}")
endif()

string(APPEND CMAKE_C_FLAGS " -fsanitize=fuzzer-no-link,address,undefined"
       " -fno-sanitize-recover=all -fno-omit-frame-pointer -g")
string(APPEND CMAKE_EXE_LINKER_FLAGS " -fsanitize=address,undefined -fno-sanitize-recover=all")

file(GLOB FUZZ_SUPPORT_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/fuzz/support/*.c)
file(GLOB FUZZ_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_*.c)
set(STEGVIS_FUZZ_TARGETS)
foreach(src ${FUZZ_SOURCES})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src} ${FUZZ_SUPPORT_SOURCES})
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/tests)
  # The http library brings data, store and core; a target links only the objects it uses.
  target_link_libraries(${name} PRIVATE ${STEGVIS_HTTP_LIB} stegvis_data ${STEGVIS_STORE_LIB}
                        PkgConfig::MHD PkgConfig::SODIUM PkgConfig::JANSSON Threads::Threads)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  list(APPEND STEGVIS_FUZZ_TARGETS ${name})
endforeach()
# `cmake --build DIR --target fuzz`: every fuzz target and nothing else.
add_custom_target(fuzz DEPENDS ${STEGVIS_FUZZ_TARGETS})
