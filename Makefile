.PHONY: test run build bench fuzz

# The whole test suite, PostgreSQL included (see scripts/test).
test:
	./scripts/test

run:
	go run ./cmd/upstream serve --demo

build:
	go build -o upstream ./cmd/upstream

bench:
	go test -run '^$$' -bench . -benchmem ./...
