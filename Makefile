.PHONY: test test-short run build bench fuzz

# The whole test suite, PostgreSQL included (see scripts/test).
test:
	./scripts/test

# The inner loop: no browser, no end-to-end journeys, no built binaries.
test-short:
	go test -short ./...

run:
	go run ./cmd/upstream serve --demo

build:
	go build -buildvcs=auto -o upstream ./cmd/upstream

bench:
	go test -run '^$$' -bench . -benchmem ./...

# Every fuzz target for FUZZTIME (default 10s) each (see scripts/fuzz).
fuzz:
	./scripts/fuzz
