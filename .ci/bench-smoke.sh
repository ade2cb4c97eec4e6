#!/usr/bin/env bash
# CI smoke test of the bench tool (bench/README.md): generates the S data set on PostgreSQL,
# starts the real server, runs every workload for a fraction of a second at c=1 and c=8 with
# the peer off, prints the table and the targets, and fails on any failed request. About 40 s.
set -euo pipefail
cd "$(dirname "$0")/.."
PG_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"
go run ./bench -size S -smoke -db "$PG_URL" -name supportdesk_bench_smoke -drop
echo "bench smoke: passed"
