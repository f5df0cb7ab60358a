# Thin wrapper around CMake. The two commands a newcomer needs:
#   make demo    install what is missing, build, start Stegvis on a demo database
#   make check   install what is missing, build, run every test (also under ASan + UBSan)
BUILD       ?= build
SAN_BUILD   ?= build-sanitize
JOBS        ?= $(shell nproc)
DEMO_DB     ?= demo/stegvis-demo.db
FUZZ_BUILD  ?= build-fuzz
FUZZ_SECONDS ?= 300

.PHONY: all deps build check test test-sanitize fuzz fuzz-check style format demo bench clean

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=gcc >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

# Every test: the normal build (gcc), the style check, then the whole suite again built with
# clang and AddressSanitizer + UndefinedBehaviorSanitizer (any finding fails the run).
# Then every libFuzzer target for 30 seconds from its committed corpus (tests/fuzz/corpus).
check: build style test test-sanitize fuzz-check

test:
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

test-sanitize: deps
	@cmake -S . -B $(SAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
		-DSTEGVIS_SANITIZE=ON >/dev/null
	@cmake --build $(SAN_BUILD) -j$(JOBS)
	cd $(SAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure -j$(JOBS)

# libFuzzer targets (clang): `make fuzz` runs each for FUZZ_SECONDS, `make fuzz-check` for 30.
fuzz: deps
	@scripts/fuzz $(FUZZ_BUILD) $(FUZZ_SECONDS)

fuzz-check: deps
	@scripts/fuzz $(FUZZ_BUILD) 30

style:
	@scripts/check-style

format:
	clang-format -i $$(git ls-files -co --exclude-standard -- 'src/*.[ch]' 'tests/*.[ch]' 'bench/*.[ch]' 'tools/*.[ch]')

demo: build
	@scripts/demo $(BUILD)/stegvis $(DEMO_DB)

bench: build
	@scripts/bench $(BUILD)

clean:
	rm -rf $(BUILD) $(SAN_BUILD) $(FUZZ_BUILD)
