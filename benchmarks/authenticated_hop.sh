#!/usr/bin/env bash
# The gateway's cost on an authenticated call that reads a database (gateway issue, QUALITY 18):
# GET /api/v1/accounts as the demo subscriber, straight to the accounts service and through the
# gateway, in one run. Needs the stack up with the per-client limits lifted:
#   LKA_GATEWAY_RATE_LIMITS='{"anonymous": {"rate": 1000000000, "burst": 1000000000}, "signed_in": {"rate": 1000000000, "burst": 1000000000}}' make run
# then, in another terminal: benchmarks/authenticated_hop.sh [seconds] [rounds]
set -euo pipefail
seconds=${1:-10}
rounds=${2:-2}
token=$(curl -sf -X POST http://127.0.0.1:8000/api/v1/auth/login -H 'Content-Type: application/json' \
  -d '{"email": "abonent@example.ru", "password": "Абонент-Демо-2026"}' |
  python3 -c 'import sys, json; print(json.load(sys.stdin)["access_token"])')
for round in $(seq 1 "$rounds"); do
  for target in direct:http://127.0.0.1:8002/api/v1/accounts gateway:http://127.0.0.1:8000/api/v1/accounts; do
    name=${target%%:*}
    url=${target#*:}
    printf '%-8s ' "$name"
    wrk -t2 -c64 -d"${seconds}s" --latency -H "Authorization: Bearer $token" "$url" |
      awk '/Requests\/sec/ {rps=$2} / 50%/ {p50=$2} / 99%/ {p99=$2} /Non-2xx/ {err=$5}
           END {printf "%10s req/s   p50 %9s   p99 %9s   non-2xx %s\n", rps, p50, p99, (err ? err : 0)}'
  done
done
