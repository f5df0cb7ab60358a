# cmake/reliability.cmake - included from CMakeLists.txt (filled by the work on issues 7 and 8).
#
# Reliability tests (tests/reliability): the real server under crashes (kill -9 while writing),
# load (64 clients for a minute) and hostile clients (slow, oversized, too many). They run in
# `make check` like every other test, in the gcc build and again under ASan + UBSan.
stegvis_tests(reliability ${STEGVIS_HTTP_LIB} PkgConfig::SQLITE Threads::Threads)
# Under the sanitizers the server's resident memory says nothing (ASan keeps freed memory in
# quarantine): the soak then skips its memory bound, and runs shorter.
if(STEGVIS_SANITIZE AND TARGET test_soak)
  target_compile_definitions(test_soak PRIVATE STEGVIS_SANITIZED_BUILD=1)
endif()
