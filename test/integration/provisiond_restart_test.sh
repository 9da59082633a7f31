#!/bin/sh
# SPDX-License-Identifier: BSL-1.0
# provisiond_restart_test.sh SIM PROVISIOND FINOVY [ROUNDS] [COUNT] [SEED]
#
# provisiond with a state file, killed and restarted (issue 17): in each of ROUNDS rounds (default
# 4) a fleet of COUNT hosts (default 12) is started, provisiond is killed with SIGKILL at a
# random moment (seeded: SEED, default 1), started again on the same state file, and the fleet is
# deleted: once its DELETE is done, no host may be left in the account (checked with the finovy
# tool). createquantity answers `true` in odd rounds and the ids in even ones, each create takes
# 60-140 ms, so that the kill finds creates in flight. Then: SIGTERM while a fleet provisions stops
# it within --shutdown-timeout and the next start resumes the fleet; an API key is required off
# loopback, and requests without it do nothing. Prints one summary line; exit 1 on any failure.
set -eu
sim=$1
provisiond=$2
finovy=$3
rounds=${4:-4}
count=${5:-12}
seed=${6:-1}
dir=$(mktemp -d)
sim_pid=
pd_pid=
cleanup() {
    for p in $pd_pid $sim_pid; do
        kill -9 "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
    echo "provisiond_restart_test: FAILED: $*" >&2
    echo "--- provisiond's stderr:" >&2
    tail -n 30 "$dir/pd.err" >&2 2>/dev/null || true
    exit 1
}

wait_until() {
    tries=$(($2 * 10))
    until eval "$1"; do
        tries=$((tries - 1))
        [ $tries -gt 0 ] || return 1
        sleep 0.1
    done
}

# --- the simulator: creates are slow, hosts boot in 0.8 s
"$sim" --port 0 --cert-dir "$dir/certs" --boot-ms 800 --shutdown-ms 200 --latency-ms 60 \
    --latency-jitter-ms 80 --fault-path createquantity >"$dir/sim.out" 2>"$dir/sim.err" &
sim_pid=$!
wait_until "grep -q '^stats: ' '$dir/sim.out' 2>/dev/null || ! kill -0 $sim_pid 2>/dev/null" 30 ||
    fail "finovy-sim did not start"
field() { sed -n "s/^$1 //p" "$dir/sim.out"; }
unset FINOVY_ACCESS_TOKEN FINOVY_PROFILE FINOVY_CONFIG_FILE FINOVY_SANDBOX https_proxy HTTPS_PROXY
FINOVY_ENDPOINT=$(field 'finovy-sim listening on')
FINOVY_CA_FILE=$(field 'ca-file:')
FINOVY_UUID=$(field 'demo-uuid:')
FINOVY_SECRET=$(field 'demo-secret:')
HOME=$dir
export FINOVY_ENDPOINT FINOVY_CA_FILE FINOVY_UUID FINOVY_SECRET HOME

set_answers() {
    curl -s --max-time 10 --cacert "$FINOVY_CA_FILE" -X PUT "$FINOVY_ENDPOINT/__sim/config" \
        -d "{\"create_answers\":\"$1\"}" >/dev/null || fail "cannot configure finovy-sim"
}

# start_pd [EXTRA FLAGS...]: provisiond on the state file; its URL in $url.
start_pd() {
    : >"$dir/pd.out"
    "$provisiond" --listen 127.0.0.1:0 --state "$dir/${state_name:-state}.db" --poll-interval 200ms --first-delay 200ms \
        --appear-timeout 2s --delete-retry 200ms --shutdown-timeout 10s --max-count 100 "$@" \
        >"$dir/pd.out" 2>>"$dir/pd.err" &
    pd_pid=$!
    wait_until "[ -s '$dir/pd.out' ] || ! kill -0 $pd_pid 2>/dev/null" 60 || fail "provisiond printed nothing"
    first=$(head -n 1 "$dir/pd.out")
    url=${first#provisiond listening on }
    [ "$url" != "$first" ] || fail "provisiond did not start: $first"
}

# request METHOD PATH [BODY] [HEADER]: the body in $dir/body, the status in $status.
request() {
    set -- "$@" "" ""
    status=$(curl -s --max-time 10 -o "$dir/body" -w '%{http_code}' -X "$1" "$url$2" \
        -H 'Content-Type: application/json' ${4:+-H "$4"} ${3:+--data-binary "$3"}) || status=000
}

fleet_done() {
    request GET "/fleets/$1" "" "${2:-}"
    grep -q '"done":true' "$dir/body"
}

hosts_left() {
    "$finovy" -o json hosts list >"$dir/hosts.json" 2>"$dir/finovy.err" || fail "finovy hosts list: $(cat "$dir/finovy.err")"
    sed -n 's/^{"total":\([0-9]*\),.*/\1/p' "$dir/hosts.json"
}

random_ms() { awk -v s="$1" 'BEGIN { srand(s); print int(100 + rand() * 2400) }'; }

# --- killed at random moments, restarted, deleted
kills=""
round=1
while [ $round -le "$rounds" ]; do
    if [ $((round % 2)) -eq 1 ]; then set_answers true; else set_answers id; fi
    start_pd
    request POST /fleets "{\"package\":\"Ofc2C4G8xx\",\"image\":\"4005\",\"count\":$count}"
    [ "$status" = 202 ] || fail "round $round: POST /fleets answered $status: $(cat "$dir/body")"
    id=$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' "$dir/body")
    ms=$(random_ms $((seed * 1000 + round)))
    sleep "$(awk -v m="$ms" 'BEGIN { print m / 1000 }')"
    kill -9 $pd_pid
    wait $pd_pid 2>/dev/null || true
    kills="$kills $ms"
    start_pd
    request DELETE "/fleets/$id"
    [ "$status" = 202 ] || [ "$status" = 200 ] || fail "round $round: DELETE answered $status: $(cat "$dir/body")"
    wait_until "fleet_done $id" 120 || fail "round $round: the fleet's delete did not end: $(cat "$dir/body")"
    grep -q '"state":"deleted"' "$dir/body" || fail "round $round: killed after $ms ms: $(cat "$dir/body")"
    left=$(hosts_left)
    [ "$left" -eq 0 ] || fail "round $round: killed after $ms ms, $left host(s) left: $(cat "$dir/hosts.json")"
    kill $pd_pid
    wait $pd_pid 2>/dev/null || true
    round=$((round + 1))
done

# --- SIGTERM while provisioning: it exits in time, and the next start resumes the fleet
set_answers true
start_pd
request POST /fleets "{\"package\":\"Ofc2C4G8xx\",\"image\":\"4005\",\"count\":$count}"
id=$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' "$dir/body")
sleep 0.6
kill -TERM $pd_pid
wait_until "! kill -0 $pd_pid 2>/dev/null" 15 || fail "SIGTERM: provisiond did not exit within its shutdown timeout"
wait $pd_pid 2>/dev/null || true
start_pd
wait_until "fleet_done $id" 60 || fail "the resumed fleet did not finish: $(cat "$dir/body")"
grep -q '"state":"ready"' "$dir/body" || fail "the resumed fleet: $(cat "$dir/body")"
request DELETE "/fleets/$id"
wait_until "fleet_done $id" 120 || fail "deleting the resumed fleet did not end"
grep -q '"state":"deleted"' "$dir/body" || fail "deleting the resumed fleet: $(cat "$dir/body")"
[ "$(hosts_left)" -eq 0 ] || fail "hosts left after the resumed fleet's delete"
kill $pd_pid
wait $pd_pid 2>/dev/null || true

# --- an API key: required off loopback; without it, nothing is done
if "$provisiond" --listen 0.0.0.0:0 >"$dir/open.out" 2>&1; then fail "listening on 0.0.0.0 without a key"; fi
grep -q 'API key' "$dir/open.out" || fail "no word of the API key: $(cat "$dir/open.out")"
printf '%s\n' "k3y-0123456789abcdef" >"$dir/key"
state_name=keyed
start_pd --api-key-file "$dir/key"
request POST /fleets "{\"package\":\"Ofc2C4G8xx\",\"image\":\"4005\",\"count\":1}"
[ "$status" = 401 ] || fail "POST without the key answered $status"
request GET /fleets "" "Authorization: Bearer wrong-key-0123456789"
[ "$status" = 401 ] || fail "a wrong key answered $status"
request GET /fleets "" "Authorization: Bearer k3y-0123456789abcdef"
[ "$status" = 200 ] || fail "the key was refused: $status"
grep -q '"fleets":\[\]' "$dir/body" || fail "a request without the key did something: $(cat "$dir/body")"
request GET /healthz
[ "$status" = 200 ] || fail "/healthz needs no key"
[ "$(hosts_left)" -eq 0 ] || fail "a host was made without the key"

echo "provisiond_restart_test: ok: $rounds kills (at$kills ms) of $count-host fleets, 0 hosts left after each delete; SIGTERM resumed; API key enforced"
