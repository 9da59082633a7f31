#!/bin/sh
# SPDX-License-Identifier: BSL-1.0
# provisiond_test.sh SIM PROVISIOND FINOVY: examples/provisiond end to end, as processes.
#
# Starts finovy-sim (hosts boot in 3 s, so that a fleet can be caught while it starts), then
# provisiond --listen 127.0.0.1:0 against it, configured through the FINOVY_* variables, and
# drives its HTTP API with curl: a fleet of 3 runs; /metrics; bad requests get 400/404/405 and
# the server goes on; a second fleet deleted while it starts leaves no host in the simulator
# (checked with the finovy tool); SIGTERM stops the service. Both processes are killed at the
# end, whatever happens. The secret is never printed.
set -eu
sim=$1
provisiond=$2
finovy=$3
dir=$(mktemp -d)
sim_pid=
pd_pid=
cleanup() {
    for p in $pd_pid $sim_pid; do
        kill "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
    echo "provisiond_test: FAILED: $*" >&2
    echo "--- provisiond's stderr:" >&2
    tail -n 20 "$dir/pd.err" >&2 2>/dev/null || true
    exit 1
}

# Polls `condition` (a shell command) every 0.2 s, for $2 seconds at most.
wait_until() {
    tries=$(($2 * 5))
    until eval "$1"; do
        tries=$((tries - 1))
        [ $tries -gt 0 ] || return 1
        sleep 0.2
    done
}

# --- the simulator
"$sim" --port 0 --cert-dir "$dir/certs" --boot-ms 3000 --shutdown-ms 300 >"$dir/sim.out" 2>"$dir/sim.err" &
sim_pid=$!
wait_until "grep -q '^stats: ' '$dir/sim.out' 2>/dev/null || ! kill -0 $sim_pid 2>/dev/null" 30 ||
    fail "finovy-sim did not start"
grep -q '^stats: ' "$dir/sim.out" || fail "finovy-sim did not start: $(cat "$dir/sim.err")"
field() { sed -n "s/^$1 //p" "$dir/sim.out"; }

unset FINOVY_ACCESS_TOKEN FINOVY_PROFILE FINOVY_CONFIG_FILE FINOVY_SANDBOX https_proxy HTTPS_PROXY
FINOVY_ENDPOINT=$(field 'finovy-sim listening on')
FINOVY_CA_FILE=$(field 'ca-file:')
FINOVY_UUID=$(field 'demo-uuid:')
FINOVY_SECRET=$(field 'demo-secret:')
HOME=$dir
export FINOVY_ENDPOINT FINOVY_CA_FILE FINOVY_UUID FINOVY_SECRET HOME

# --- the service
"$provisiond" --listen 127.0.0.1:0 --poll-interval 200ms --first-delay 200ms --max-count 50 \
    >"$dir/pd.out" 2>"$dir/pd.err" &
pd_pid=$!
wait_until "[ -s '$dir/pd.out' ] || ! kill -0 $pd_pid 2>/dev/null" 30 || fail "provisiond printed nothing"
first=$(head -n 1 "$dir/pd.out")
echo "$first" | grep -Eq '^provisiond listening on http://127\.0\.0\.1:[0-9]+$' ||
    fail "unexpected first line: '$first'"
url=${first#provisiond listening on }
[ "${url##*:}" != 0 ] || fail "port 0 was not replaced by the bound port"

# request METHOD PATH [BODY]: the answer's body in $dir/body, its status in $status.
request() {
    if [ $# -ge 3 ]; then
        status=$(curl -s --max-time 10 -o "$dir/body" -w '%{http_code}' -X "$1" "$url$2" \
            -H 'Content-Type: application/json' --data-binary "$3") || status=000
    else
        status=$(curl -s --max-time 10 -o "$dir/body" -w '%{http_code}' -X "$1" "$url$2") || status=000
    fi
    cat "$dir/body" >>"$dir/answers"
}
expect() {   # expect STATUS WHAT
    [ "$status" = "$1" ] || fail "$2: HTTP $status, expected $1: $(cat "$dir/body")"
}
has() { grep -q "$1" "$dir/body"; }
# The ids of a fleet's hosts, from the body of GET /fleets/{id}.
host_ids() { grep -o '{"id":"[^"]*","outcome"' "$dir/body" | sed 's/{"id":"\([^"]*\)".*/\1/'; }

request GET /healthz
expect 200 "GET /healthz"

# --- a fleet of 3 runs
request POST /fleets '{"package": "Ofc2C4G8xx", "image": "4005", "count": 3}'
expect 202 "POST /fleets"
fleet1=$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' "$dir/body")
[ -n "$fleet1" ] || fail "POST /fleets answered no id: $(cat "$dir/body")"
done1() { request GET "/fleets/$fleet1" && expect 200 "GET /fleets/$fleet1" && has '"done":true'; }
wait_until done1 60 || fail "fleet 1 not done: $(cat "$dir/body")"
has '"requested":3' && has '"created":3' && has '"running":3' && has '"failed":0' ||
    fail "fleet 1 is not 3 running hosts: $(cat "$dir/body")"
[ "$(host_ids | wc -l)" -eq 3 ] || fail "fleet 1 does not list 3 hosts: $(cat "$dir/body")"
has '"status":"running"' || fail "fleet 1's hosts are not the models' JSON: $(cat "$dir/body")"
host_ids >"$dir/fleet1"

# --- metrics
request GET /metrics
expect 200 "GET /metrics"
grep -q '^finovy_requests_total [1-9]' "$dir/body" || fail "/metrics has no finovy_requests_total"
grep -q '^finovy_call_duration_seconds_bucket{' "$dir/body" || fail "/metrics has no latency histogram"
grep -q '^provisiond_fleets{state="ready"} 1$' "$dir/body" || fail "/metrics does not count fleet 1 as ready"
ctype=$(curl -s --max-time 10 -o /dev/null -w '%{content_type}' "$url/metrics")
case "$ctype" in
"text/plain; version=0.0.4"*) ;;
*) fail "/metrics content type: '$ctype'" ;;
esac

# --- bad requests: an error in JSON each, and the server goes on
request POST /fleets 'not json'
expect 400 "bad JSON"
has '"error":' || fail "bad JSON: no JSON error: $(cat "$dir/body")"
request POST /fleets '{"package": "Ofc2C4G8xx", "count": 2}'
expect 400 "missing image"
request POST /fleets '{"package": "Ofc2C4G8xx", "image": "4005", "count": 0}'
expect 400 "count 0"
request POST /fleets '{"package": "Ofc2C4G8xx", "image": "4005", "count": 51}'
expect 400 "count above --max-count"
request POST /fleets '{"package": "Ofc2C4G8xx", "image": "4005", "count": "3"}'
expect 400 "count as a string"
request POST /fleets '{"package": "Ofc2C4G8xx", "image": "4005", "count": 2.5}'
expect 400 "count with a fraction"
has 'must be an integer' || fail "count 2.5: $(cat "$dir/body")"
# Numbers are read as the SDK reads them (issue 18): 1e300 is an integer, out of range.
request POST /fleets '{"package": "Ofc2C4G8xx", "image": "4005", "count": 1e300}'
expect 400 "count 1e300"
has 'between 1 and 50' || fail "count 1e300: $(cat "$dir/body")"
request POST /fleets '{"package": "Ofc2C4G8xx", "image": "4005", "count": 51.0}'
expect 400 "count 51.0"
has 'between 1 and 50' || fail "count 51.0: $(cat "$dir/body")"
request GET /fleets/no-such-fleet
expect 404 "unknown fleet"
has '"error":' || fail "unknown fleet: no JSON error"
request DELETE /fleets/no-such-fleet
expect 404 "DELETE of an unknown fleet"
request PUT "/fleets/$fleet1"
expect 405 "PUT /fleets/{id}"
request DELETE /metrics
expect 405 "DELETE /metrics"
head -c 100000 /dev/zero | tr '\0' 'x' >"$dir/big"
status=$(curl -s --max-time 10 -o "$dir/body" -w '%{http_code}' -X POST --data-binary @"$dir/big" "$url/fleets") ||
    status=000
expect 413 "a body above the limit"
request GET /healthz
expect 200 "GET /healthz after bad requests"

# --- a second fleet, deleted while its hosts start: none is left in the simulator
request POST /fleets '{"package": "Ofc2C4G8xx", "image": 4005, "count": 2, "start": true}'
expect 202 "POST /fleets (2)"
fleet2=$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' "$dir/body")
# Its hosts are seen booting (3 s) before DELETE: they exist, and the work runs.
seen2() { request GET "/fleets/$fleet2" && has '"created":2' && has '"status":"booting"'; }
wait_until seen2 20 || fail "fleet 2's hosts were not seen booting: $(cat "$dir/body")"
has '"done":false' || fail "fleet 2 was done before DELETE: $(cat "$dir/body")"
host_ids >"$dir/fleet2"
[ "$(wc -l <"$dir/fleet2")" -eq 2 ] || fail "fleet 2 lists no 2 hosts: $(cat "$dir/body")"
request DELETE "/fleets/$fleet2"
case "$status" in
200 | 202) ;;
*) fail "DELETE /fleets/$fleet2: HTTP $status: $(cat "$dir/body")" ;;
esac
deleted2() { request GET "/fleets/$fleet2" && has '"done":true'; }
wait_until deleted2 60 || fail "fleet 2 not done after DELETE: $(cat "$dir/body")"
has '"state":"deleted"' && has '"deleted":2' || fail "fleet 2 not deleted: $(cat "$dir/body")"
request DELETE "/fleets/$fleet2"
expect 200 "a second DELETE"

"$finovy" hosts list --no-headers >"$dir/hosts" 2>"$dir/finovy.err" || fail "finovy hosts list: $(cat "$dir/finovy.err")"
while read -r id; do
    grep -q "^$id " "$dir/hosts" && fail "host $id of the deleted fleet is still in the simulator"
done <"$dir/fleet2"
while read -r id; do
    grep -q "^$id " "$dir/hosts" || fail "host $id of fleet 1 is not in the simulator"
done <"$dir/fleet1"
[ "$(wc -l <"$dir/hosts")" -eq 3 ] || fail "the simulator holds other hosts than fleet 1's: $(cat "$dir/hosts")"

# --- nothing printed or answered holds the secret
for f in "$dir/pd.out" "$dir/pd.err" "$dir/answers"; do
    ! grep -qF "$FINOVY_SECRET" "$f" || fail "the secret appears in $(basename "$f")"
done

# --- SIGTERM: the service stops by itself, with status 0
kill -TERM "$pd_pid"
wait_until "! kill -0 $pd_pid 2>/dev/null" 15 || fail "provisiond did not stop on SIGTERM"
set +e
wait "$pd_pid"
rc=$?
set -e
pd_pid=
[ $rc -eq 0 ] || fail "provisiond exited with $rc after SIGTERM"
echo "provisiond_test: passed (fleet 1: $(tr '\n' ' ' <"$dir/fleet1"); deleted fleet 2: $(tr '\n' ' ' <"$dir/fleet2"))"
