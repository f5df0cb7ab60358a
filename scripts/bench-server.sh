# shellcheck shell=bash
# scripts/bench-server.sh - sourced by scripts/profile-request and scripts/cpu-per-request: the
# bench's cached 20,000-patient demo region and the demo clinician's session on a server.

# The newest cached demo of BUILD (made by `make bench`); fails (status 2) when there is none.
bench_demo() {
    local cache=$1/bench-cache demo
    demo=$(ls "$cache"/demo-20000-v*.db 2>/dev/null | sort -V | tail -1)
    [ -n "$demo" ] || { echo "$(basename "$0"): no demo in $cache: run make bench first" >&2; return 2; }
    printf '%s\n' "$demo"
}

# Wait until the server on PORT answers, then log in as anna: OUT/jar, OUT/login.json.
bench_login() {
    local port=$1 out=$2
    for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/health" && break; sleep 0.5; done
    curl -s -c "$out/jar" -H 'Content-Type: application/json' \
        -d '{"username":"anna","password":"demo-klinik-2026"}' \
        "http://127.0.0.1:$port/api/v1/login" >"$out/login.json"
}
