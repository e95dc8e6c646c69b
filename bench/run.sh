#!/usr/bin/env bash
# bench/run.sh: Headroom side by side with HAProxy and nginx on this machine's loopback (see BENCHMARKS.md).
#
#   bench/run.sh            the full benchmark: worker threads 1 and 2, 3 rounds of 10 s per scenario and proxy;
#                           prints one table and writes it to bench/results/<date>-<commit>.md
#   bench/run.sh --quick    a smoke run for CI: 1 thread, 1 round of 2 s per scenario, 1,000 idle connections;
#                           exits non-zero on any socket error or HTTP error status
#
# What it does: installs haproxy, nginx (+ its stream module), wrk and sockperf from Debian packages when missing; starts
# an nginx backend on 127.0.0.1 (two ports; its own config, pid and logs under a temp dir, never the system
# nginx config) answering /small (6 bytes), /files/1m.bin (1 MiB), /upload (a POST sink that reads the whole
# body) and /health; starts Headroom, HAProxy and nginx as proxies to it with the same number of worker threads;
# warms them up (the JVM longest); then runs every scenario against the proxies in alternation (A B C A B C ...)
# and reports medians. The UDP scenario runs sockperf clients through Headroom's and nginx's UDP proxies (HAProxy
# has none) to a sockperf server on 127.0.0.1.
# Every load is bounded in time and aimed at 127.0.0.1; every process it starts is killed on exit.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/run.sh [--quick] [--rounds N] [--duration SECONDS] [--warmup SECONDS] [--threads "1 2"]
                    [--idle-connections N] [--rate N] [--scenarios LIST] [--proxies LIST] [--no-results]

  --quick              1 thread, 1 round, 2 s per scenario, 1,000 idle connections; any error fails the run
  --rounds N           rounds of A B C per scenario (default 3); the table shows medians
  --duration SECONDS   length of one measured run (default 10)
  --warmup SECONDS     Headroom's warm-up per scenario before measuring (default 15; the others get 3)
  --threads LIST       worker threads to compare, each a separate pass (default "1 2")
  --idle-connections N idle keep-alive connections for the RSS scenario (default 10000)
  --rate N             requests/s offered in keepalive-rate (default: half of HAProxy's keep-alive median in the
                       same pass, measured first if keepalive is not among the scenarios)
  --scenarios LIST     comma-separated subset of: keepalive,keepalive-rate,close,get-1mib,post-64kib,idle,
                       tcp-keepalive,tcp-1mib,udp-pingpong
  --proxies LIST       comma-separated subset of: headroom,haproxy,nginx (ratios need haproxy and nginx)
  --no-results         do not write bench/results/<date>-<commit>.md
Environment: HEADROOM (the launcher to run, default ./headroom), HEADROOM_JAVA_OPTS (extra JVM flags, passed on
by the launcher), BENCH_KEEP_TMP=1 (keep the temp dir with configs and logs).
EOF
}

quick=0
rounds=3
duration=10
warmup=15
other_warmup=3 # HAProxy and nginx only need their connection pools filled
settle=2       # seconds between the last idle connection's answer and reading RSS
threads_list="1 2"
idle_n=10000
scenarios="keepalive,keepalive-rate,close,get-1mib,post-64kib,idle,tcp-keepalive,tcp-1mib,udp-pingpong"
fixed_rate=""
proxies="headroom,haproxy,nginx"
write_results=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; rounds=1; duration=2; warmup=2; other_warmup=0; settle=1; threads_list="1"; idle_n=1000
             write_results=0 ;;
    --rounds) rounds="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --threads) threads_list="$2"; shift ;;
    --idle-connections) idle_n="$2"; shift ;;
    --rate) fixed_rate="$2"; shift ;;
    --scenarios) scenarios="$2"; shift ;;
    --proxies) proxies="$2"; shift ;;
    --no-results) write_results=0 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench/run.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
for n in "$rounds" "$duration" "$warmup" "$idle_n" ${fixed_rate:+"$fixed_rate"}; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "bench/run.sh: '$n' is not a number" >&2; exit 2; }
done
[ "$rounds" -ge 1 ] && [ "$duration" -ge 1 ] || { echo "bench/run.sh: --rounds and --duration must be >= 1" >&2; exit 2; }
[ -z "$fixed_rate" ] || [ "$fixed_rate" -ge 1 ] || { echo "bench/run.sh: --rate must be >= 1" >&2; exit 2; }

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
headroom="${HEADROOM:-$repo/headroom}"
export PATH="$PATH:/usr/sbin:/sbin"

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
has() { [[ ",$1," == *",$2,"* ]]; }

# ---------------------------------------------------------------- packages
stream_module=/usr/lib/nginx/modules/ngx_stream_module.so
missing=()
command -v haproxy >/dev/null || missing+=(haproxy)
command -v nginx >/dev/null || missing+=(nginx)
[ -f "$stream_module" ] || missing+=(libnginx-mod-stream)
command -v wrk >/dev/null || missing+=(wrk)
command -v curl >/dev/null || missing+=(curl)
command -v sockperf >/dev/null || missing+=(sockperf)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "bench/run.sh: needs ${missing[*]}; run as root or install them" >&2; exit 1; }
    sudo=sudo
  fi
  log "installing ${missing[*]} from Debian packages"
  $sudo apt-get update -qq >&2
  # Another apt run on the machine holds the dpkg lock for a while: wait for it rather than fail.
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 "${missing[@]}" >&2
fi
command -v java >/dev/null || { echo "bench/run.sh: java not found (JDK 17+ needed)" >&2; exit 1; }

# N idle connections need N descriptors in the client and up to 2N in a proxy: HAProxy refuses to start when
# 2 × maxconn does not fit the open-file limit, so N is lowered to what the limit allows (a container may pin it).
ulimit -n 200000 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fd_limit="$(ulimit -n)"
[ "$fd_limit" = unlimited ] && fd_limit=1048576
[ "$fd_limit" -gt 200000 ] && fd_limit=200000
haproxy_maxconn=$(( (fd_limit - 40) / 2 ))
idle_note=""
if [ "$idle_n" -gt $((haproxy_maxconn - 30)) ]; then
  idle_note="the open-file limit here is $fd_limit and HAProxy needs 2 per connection: idle connections lowered from $idle_n to $((haproxy_maxconn - 30))"
  idle_n=$((haproxy_maxconn - 30))
  log "$idle_note"
fi

# ---------------------------------------------------------------- processes and cleanup
tmp="$(mktemp -d /tmp/headroom-bench.XXXXXX)"
chmod 755 "$tmp" # nginx workers run as nobody when started by root
pids=()

descendants() {
  local c
  for c in $(pgrep -P "$1" 2>/dev/null || true); do
    descendants "$c"
    echo "$c"
  done
}

# Stops a process and everything it started: TERM, up to 10 s, then KILL.
kill_tree() {
  local all=("$1") p i
  mapfile -t -O 1 all < <(descendants "$1")
  kill -TERM "${all[@]}" 2>/dev/null || true
  for i in $(seq 100); do
    local alive=0
    for p in "${all[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  kill -KILL "${all[@]}" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

cleanup() {
  local p
  for p in "${pids[@]}"; do kill_tree "$p"; done
  pids=()
  if [ "${BENCH_KEEP_TMP:-0}" = 1 ]; then log "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts NAME in the background with stdout/stderr in $tmp/NAME.log; sets $started to its pid.
start() {
  local name="$1"; shift
  "$@" >"$tmp/$name.log" 2>&1 &
  started=$!
  pids+=("$started")
}

stop() {
  local pid="$1" p keep=()
  kill_tree "$pid"
  for p in "${pids[@]}"; do [ "$p" != "$pid" ] && keep+=("$p"); done
  pids=("${keep[@]+"${keep[@]}"}")
}

# Waits until URL answers 200 (deadline in seconds); prints the log of NAME and fails otherwise.
wait_ok() {
  local url="$1" name="$2" deadline=$(( SECONDS + ${3:-60} ))
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then
      echo "bench/run.sh: $name did not answer 200 on $url in time; its log:" >&2
      tail -n 40 "$tmp/$name.log" >&2 || true
      return 1
    fi
    sleep 0.2
  done
}

# Waits until PORT accepts connections; fails early when PID exits or its LOG says it is up without that port.
wait_listener() {
  local port="$1" pid="$2" logfile="$3" deadline=$(( SECONDS + 60 )) up_since=""
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    [ $SECONDS -ge $deadline ] && return 1
    kill -0 "$pid" 2>/dev/null || return 1
    if [ -z "$up_since" ] && grep -q 'headroom is up' "$logfile" 2>/dev/null; then up_since=$SECONDS; fi
    [ -n "$up_since" ] && [ $((SECONDS - up_since)) -ge 2 ] && return 1
    sleep 0.2
  done
}

# ---------------------------------------------------------------- ports
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# A UDP port is taken when a socket is bound to it (ss, from iproute2; without it, only the TCP check above).
udp_port_free() { ! command -v ss >/dev/null || [ -z "$(ss -Hlun "sport = :$1" 2>/dev/null)" ]; }
for attempt in $(seq 20); do
  base=$(( 20000 + RANDOM % 12000 )) # below the ephemeral range (32768+), so no client port collides
  ok=1
  for i in $(seq 0 10); do port_free $((base + i)) || { ok=0; break; }; done
  if [ "$ok" = 1 ]; then for i in 8 9 10; do udp_port_free $((base + i)) || { ok=0; break; }; done; fi
  [ "$ok" = 1 ] && break
done
[ "$ok" = 1 ] || { echo "bench/run.sh: found no 11 free ports" >&2; exit 1; }
backend1=$base; backend2=$((base + 1))
declare -A http_port=([headroom]=$((base + 2)) [haproxy]=$((base + 3)) [nginx]=$((base + 4)))
declare -A tcp_port=([headroom]=$((base + 5)) [haproxy]=$((base + 6)) [nginx]=$((base + 7)))
# UDP (checked free above for TCP and for UDP)
udp_backend=$((base + 8))
declare -A udp_port=([headroom]=$((base + 9)) [nginx]=$((base + 10)))

# ---------------------------------------------------------------- the nginx backend
mkdir -p "$tmp/www/files" "$tmp/backend"
head -c 1048576 /dev/urandom >"$tmp/www/files/1m.bin"
echo ok >"$tmp/www/upload" # exists, so that a POST to it is refused with 405 (see /upload below)
chmod -R a+rX "$tmp/www"

nginx_common() { # temp paths under our dir, never /var/lib/nginx
  local d="$1"
  cat <<EOF
  client_body_temp_path $d/client_body;
  proxy_temp_path $d/proxy;
  fastcgi_temp_path $d/fastcgi;
  uwsgi_temp_path $d/uwsgi;
  scgi_temp_path $d/scgi;
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
EOF
}

cat >"$tmp/backend.conf" <<EOF
daemon off;
master_process on;
worker_processes 2;
worker_rlimit_nofile $fd_limit;
pid $tmp/backend/nginx.pid;
error_log $tmp/backend/error.log warn;
events { worker_connections 30000; }
http {
$(nginx_common "$tmp/backend")
  default_type text/plain;
  sendfile on;
  server {
    # reuseport: the kernel spreads connections over the two workers by their addresses. Without it nginx's
    # workers wait on one shared listening socket (EPOLLEXCLUSIVE) and a burst of connects lands on whichever
    # worker is woken first: all 64 of Headroom's pooled connections were on one worker (44 % CPU, the other
    # idle: a one-worker backend) while HAProxy's kept both busy (17 % / 27 %). The backend must be the same for
    # every proxy (see BENCHMARKS.md).
    listen 127.0.0.1:$backend1 backlog=4096 reuseport;
    listen 127.0.0.1:$backend2 backlog=4096 reuseport;
    location = /health { return 200 "ok\n"; }
    location = /small { return 200 "hello\n"; }
    location /files/ { root $tmp/www; }
    # A POST sink that reads the whole body before it answers, as an application does (nginx's own "return"
    # answers first and discards the body): mirror_request_body reads it, then the static handler refuses the
    # POST with 405, which error_page turns into a 200.
    location = /upload {
      client_max_body_size 1m;
      client_body_buffer_size 128k;
      mirror /sink;
      mirror_request_body on;
      root $tmp/www;
      error_page 405 =200 /ok;
    }
    location = /sink { internal; return 204; }
    location = /ok { return 200 "ok\n"; }
  }
}
EOF
start backend nginx -p "$tmp/backend/" -c "$tmp/backend.conf" -e "$tmp/backend/error.log"
backend_pid=$started
wait_ok "http://127.0.0.1:$backend1/small" backend 20
wait_ok "http://127.0.0.1:$backend2/health" backend 20

# ---------------------------------------------------------------- the proxies' configs
headroom_config() { # THREADS -> the application load balancer
  cat <<EOF
admin: { listen: "127.0.0.1:0" }
stateDir: $tmp/headroom-state
workerThreads: $1
loadBalancers:
  - name: bench
    type: application
    idleTimeoutSeconds: 300
    listeners:
      - port: ${http_port[headroom]}
        protocol: HTTP
        defaultAction: { forward: { targetGroup: backends } }
targetGroups:
  - name: backends
    protocol: HTTP
    algorithm: round_robin
    healthCheck: { path: /health, intervalSeconds: 5, healthyThreshold: 2 }
    targets:
      - { host: 127.0.0.1, port: $backend1 }
      - { host: 127.0.0.1, port: $backend2 }
EOF
}

headroom_tcp_config() { # THREADS [udp] -> the network load balancer (with a UDP listener when asked)
  local udp_listener="" udp_group=""
  if [ "${2:-}" = udp ]; then
    udp_listener="      - port: ${udp_port[headroom]}
        protocol: UDP
        defaultAction: { forward: { targetGroup: backends-udp } }"
    # sockperf's server has no TCP port to check: the HTTP backend stands in for its health.
    udp_group="  - name: backends-udp
    protocol: UDP
    healthCheck: { protocol: HTTP, port: $backend1, path: /health, intervalSeconds: 5, healthyThreshold: 2 }
    targets:
      - { host: 127.0.0.1, port: $udp_backend }"
  fi
  cat <<EOF
admin: { listen: "127.0.0.1:0" }
stateDir: $tmp/headroom-tcp-state
workerThreads: $1
loadBalancers:
  - name: bench-tcp
    type: network
    idleTimeoutSeconds: 350
    listeners:
      - port: ${tcp_port[headroom]}
        protocol: TCP
        defaultAction: { forward: { targetGroup: backends-tcp } }
$udp_listener
targetGroups:
  - name: backends-tcp
    protocol: TCP
    healthCheck: { protocol: TCP, intervalSeconds: 5, healthyThreshold: 2 }
    targets:
      - { host: 127.0.0.1, port: $backend1 }
      - { host: 127.0.0.1, port: $backend2 }
$udp_group
EOF
}

haproxy_config() { # THREADS
  cat <<EOF
global
  nbthread $1
  maxconn $haproxy_maxconn
defaults
  mode http
  maxconn $haproxy_maxconn
  timeout connect 5s
  timeout client 300s
  timeout server 300s
  timeout http-keep-alive 300s
frontend http
  bind 127.0.0.1:${http_port[haproxy]}
  default_backend backends
backend backends
  balance roundrobin
  option httpchk GET /health
  server b1 127.0.0.1:$backend1 check inter 5s
  server b2 127.0.0.1:$backend2 check inter 5s
frontend tcp
  mode tcp
  bind 127.0.0.1:${tcp_port[haproxy]}
  default_backend backends-tcp
backend backends-tcp
  mode tcp
  balance roundrobin
  server b1 127.0.0.1:$backend1 check inter 5s
  server b2 127.0.0.1:$backend2 check inter 5s
EOF
}

nginx_proxy_config() { # THREADS
  local d="$tmp/nginx-proxy"
  mkdir -p "$d"
  [ -f "$stream_module" ] && echo "load_module $stream_module;"
  cat <<EOF
daemon off;
master_process on;
worker_processes $1;
worker_rlimit_nofile $fd_limit;
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections 40000; }
http {
$(nginx_common "$d")
  upstream backends {
    server 127.0.0.1:$backend1;
    server 127.0.0.1:$backend2;
    keepalive 256;
  }
  server {
    listen 127.0.0.1:${http_port[nginx]} backlog=4096 reuseport; # workers share clients evenly, as the others' threads do
    location / {
      proxy_pass http://backends;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # Stream both ways, as Headroom and HAProxy do, rather than spooling bodies to disk.
      proxy_buffering off;
      proxy_request_buffering off;
      client_max_body_size 2m;
    }
  }
}
EOF
  if [ -f "$stream_module" ]; then
    cat <<EOF
stream {
  upstream backends_tcp {
    server 127.0.0.1:$backend1;
    server 127.0.0.1:$backend2;
  }
  server {
    listen 127.0.0.1:${tcp_port[nginx]} backlog=4096 reuseport; # workers share clients evenly, as the others' threads do
    proxy_pass backends_tcp;
  }
  # UDP: a socket per worker (reuseport), as Headroom has one per event loop. No proxy_responses: nginx keeps one
  # session (and upstream socket) per client address and port until proxy_timeout passes idle, as Headroom keeps a
  # flow for NLB's 120 s; "proxy_responses 1" would end the session after each answer and open a new upstream
  # socket for every datagram, which is not what Headroom does.
  server {
    listen 127.0.0.1:${udp_port[nginx]} udp reuseport;
    proxy_pass 127.0.0.1:$udp_backend;
    proxy_timeout 120s;
  }
}
EOF
  fi
}

# ---------------------------------------------------------------- load and measurement
cp "$here/report.lua" "$tmp/get.lua"
cat "$here/rate.lua" "$here/report.lua" >"$tmp/rate.lua"
{ echo 'wrk.headers["Connection"] = "close"'; cat "$here/report.lua"; } >"$tmp/close.lua"
{ echo 'wrk.method = "POST"'; echo 'wrk.body = string.rep("x", 65536)';
  echo 'wrk.headers["Content-Type"] = "application/octet-stream"'; cat "$here/report.lua"; } >"$tmp/post.lua"

# scenario -> "kind connections path lua unit"
declare -A spec=(
  [keepalive]="http 64 /small get req/s"
  [keepalive-rate]="http 64 /small rate req/s"
  [close]="http 64 /small close req/s"
  [get-1mib]="http 16 /files/1m.bin get bytes/s"
  [post-64kib]="http 16 /upload post bytes/s"
  [tcp-keepalive]="tcp 64 /small get req/s"
  [tcp-1mib]="tcp 16 /files/1m.bin get bytes/s"
  [udp-pingpong]="udp 4 - - msg/s"
)
samples="$tmp/samples.tsv"
: >"$samples"
wrk_threads=2
rate_now=1 # requests/s for rate.lua, set per pass before keepalive-rate runs
rates=""   # "THREADS:RATE ..." offered by keepalive-rate in each pass, for the table

# The rate keepalive-rate offers in a pass with THREADS: --rate, or half of HAProxy's keep-alive median in this pass
# (measured here, closed-loop, when keepalive is not among the scenarios; the first proxy's when HAProxy is not).
rate_for() { # THREADS
  if [ -n "$fixed_rate" ]; then echo "$fixed_rate"; return; fi
  local ref=haproxy m
  has "$proxies" haproxy || ref="${proxy_arr[0]}"
  m=$(awk -F'\t' -v t="$1" -v p="$ref" '$1 == "keepalive" && $2 == t && $3 == p { print $5 }' "$samples" | sort -n |
      awk '{ a[NR] = $1 } END { if (NR) print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }')
  if [ -z "$m" ]; then
    log "  keepalive-rate: measuring $ref's keep-alive rate for ${duration}s to set the rate"
    read -r m _ <<<"$(wrk_once keepalive "$ref" "$duration")"
  fi
  awk -v m="$m" 'BEGIN { r = int(m / 2); print (r < 100 ? 100 : r) }'
}
notes=()
[ -n "$idle_note" ] && has "$scenarios" idle && notes+=("$idle_note")

url_of() { # PROXY KIND PATH
  local port
  if [ "$2" = tcp ]; then port=${tcp_port[$1]}; else port=${http_port[$1]}; fi
  echo "http://127.0.0.1:$port$3"
}

# Runs the UDP load once: SCENARIO PROXY SECONDS -> "value p50_us p99_us errors detail" on stdout, as wrk_once.
# N sockperf ping-pong clients at once (N from the spec), each one socket (one flow) with one 64-byte datagram in
# flight: value = round trips per second summed over the clients, p50 = the clients' mean, p99 = the worst client's;
# errors = clients that reported nothing + datagrams sockperf saw dropped.
sockperf_once() {
  local scenario="$1" proxy="$2" secs="$3" kind conns path lua unit i cpids=() files=()
  read -r kind conns path lua unit <<<"${spec[$scenario]}"
  for i in $(seq "$conns"); do
    timeout -k 5 $((secs + 30)) sockperf ping-pong -i 127.0.0.1 -p "${udp_port[$proxy]}" -t "$secs" -m 64 --full-rtt \
      >"$tmp/sockperf-$proxy-$i.out" 2>&1 &
    cpids+=("$!"); files+=("$tmp/sockperf-$proxy-$i.out")
  done
  for i in "${cpids[@]}"; do wait "$i" || true; done
  awk -v n="$conns" '
    FNR == 1 { f++ }
    /\[Valid Duration\]/ { split($0, a, /RunTime=|ReceivedMessages=/); t = a[2] + 0; r = a[3] + 0
                            if (t > 0) { rate += r / t; ok++ } }
    /# dropped messages =/ { split($0, a, /dropped messages = /); dropped += a[2] + 0 }
    /percentile 50\.000 =/ { p50 += $NF; n50++ }
    /percentile 99\.000 =/ { if ($NF + 0 > p99) p99 = $NF + 0 }
    END { missing = n - ok; if (missing < 0) missing = 0
          printf "%.0f %.1f %.1f %d clients_ok=%d/%d,dropped=%d\n", rate, (n50 ? p50 / n50 : 0), p99, missing + dropped, ok, n, dropped }
  ' "${files[@]}"
}

# Runs wrk once: SCENARIO PROXY SECONDS -> "value p50_us p99_us errors detail" on stdout.
wrk_once() {
  local scenario="$1" proxy="$2" secs="$3" kind conns path lua unit out line
  read -r kind conns path lua unit <<<"${spec[$scenario]}"
  if [ "$kind" = udp ]; then sockperf_once "$@"; return; fi
  out="$tmp/wrk-$scenario-$proxy.out"
  BENCH_RATE="$rate_now" BENCH_THREADS="$wrk_threads" \
    timeout -k 5 $((secs + 30)) wrk -t "$wrk_threads" -c "$conns" -d "${secs}s" --timeout 5s -s "$tmp/$lua.lua" \
    "$(url_of "$proxy" "$kind" "$path")" >"$out" 2>&1 || true
  line="$(grep '^BENCH ' "$out" | tail -n 1 || true)"
  if [ -z "$line" ]; then
    echo "0 0 0 1 wrk-failed:$(tr '\n' ' ' <"$out" | cut -c1-120 | tr ' \t' '__')"
    return
  fi
  local requests bytes duration_us p50_us p99_us connect rd wr timeout status
  requests=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$line")
  bytes=$(sed -n 's/.* bytes=\([0-9]*\).*/\1/p' <<<"$line")
  duration_us=$(sed -n 's/.*duration_us=\([0-9]*\).*/\1/p' <<<"$line")
  p50_us=$(sed -n 's/.*p50_us=\([0-9]*\).*/\1/p' <<<"$line")
  p99_us=$(sed -n 's/.*p99_us=\([0-9]*\).*/\1/p' <<<"$line")
  connect=$(sed -n 's/.*connect=\([0-9]*\).*/\1/p' <<<"$line")
  rd=$(sed -n 's/.* read=\([0-9]*\).*/\1/p' <<<"$line")
  wr=$(sed -n 's/.*write=\([0-9]*\).*/\1/p' <<<"$line")
  timeout=$(sed -n 's/.*timeout=\([0-9]*\).*/\1/p' <<<"$line")
  status=$(sed -n 's/.*status=\([0-9]*\).*/\1/p' <<<"$line")
  local value
  case "$scenario" in
    post-64kib) value=$(awk -v r="$requests" -v d="$duration_us" 'BEGIN { printf "%.0f", r * 65536 / (d / 1e6) }') ;;
    get-1mib|tcp-1mib) value=$(awk -v b="$bytes" -v d="$duration_us" 'BEGIN { printf "%.0f", b / (d / 1e6) }') ;;
    *) value=$(awk -v r="$requests" -v d="$duration_us" 'BEGIN { printf "%.0f", r / (d / 1e6) }') ;;
  esac
  local errors=$((connect + rd + wr + timeout + status))
  echo "$value $p50_us $p99_us $errors connect=$connect,read=$rd,write=$wr,timeout=$timeout,status>=400=$status"
}

clk_tck="$(getconf CLK_TCK 2>/dev/null || echo 100)"
cpu_ticks() { # PID -> user + system CPU ticks of the process and its children
  local p total=0 t
  for p in "$1" $(descendants "$1"); do
    t=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null || true)
    total=$((total + ${t:-0}))
  done
  echo "$total"
}

measure() { # SCENARIO THREADS PROXY ROUND PID
  local r c0 c1 cores
  c0=$(cpu_ticks "$5")
  r="$(wrk_once "$1" "$3" "$duration")"
  c1=$(cpu_ticks "$5")
  cores=$(awk -v t=$((c1 - c0)) -v hz="$clk_tck" -v d="$duration" 'BEGIN { printf "%.2f", t / hz / d }')
  read -r value p50 p99 errors detail <<<"$r"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$value" "$p50" "$p99" "$errors" "$detail" \
    "$cores" >>"$samples"
  log "  $1 threads=$2 $3 round $4: $value ${spec[$1]##* } p50=${p50}us p99=${p99}us errors=$errors proxy-cpu=$cores"
}

rss_kb() { # PID -> resident set of the process and its children, in kB
  local p total=0 kb
  for p in "$1" $(descendants "$1"); do
    kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null || true)
    total=$((total + ${kb:-0}))
  done
  echo "$total"
}

measure_idle() { # THREADS PROXY ROUND PID
  local threads="$1" proxy="$2" round="$3" pid="$4" before after holder line errors=0 i
  before=$(rss_kb "$pid")
  local attempt rc=""
  for attempt in 1 2; do # a client JVM that dies before it says anything is started once more
    start "hold-$proxy" java -Xmx256m -XX:+UseSerialGC "$here/HoldConnections.java" 127.0.0.1 \
      "${http_port[$proxy]}" /small "$idle_n" 120
    holder=$started
    for i in $(seq 1200); do # up to 120 s for N connections to open and answer
      grep -q '^READY' "$tmp/hold-$proxy.log" 2>/dev/null && break
      kill -0 "$holder" 2>/dev/null || break
      sleep 0.1
    done
    if grep -q '^READY' "$tmp/hold-$proxy.log" || kill -0 "$holder" 2>/dev/null || [ -s "$tmp/hold-$proxy.log" ]; then
      break
    fi
    rc=0
    wait "$holder" 2>/dev/null || rc=$?
    log "  idle client for $proxy exited ($rc) before it said anything; starting it again"
  done
  line="$(grep '^READY' "$tmp/hold-$proxy.log" || true)"
  if [ -z "$line" ]; then
    errors=$idle_n
    notes+=("idle: $proxy (threads $threads) did not hold $idle_n connections${rc:+ (client exit $rc)}: $(tail -n 3 "$tmp/hold-$proxy.log" | tr '\n' ' ')")
  else
    errors=$(sed -n 's/.*failed=\([0-9]*\).*/\1/p' <<<"$line")
    [ "$errors" = 0 ] || notes+=("idle: $proxy (threads $threads): $line $(grep '^first error' "$tmp/hold-$proxy.log" || true)")
  fi
  sleep "$settle" # let the proxy settle (allocations, GC) with all connections idle
  after=$(rss_kb "$pid")
  stop "$holder"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' idle "$threads" "$proxy" "$round" "$after" "$before" 0 "$errors" \
    "rss_before_kb=$before" 0 >>"$samples"
  log "  idle threads=$threads $proxy round $round: RSS $((before / 1024)) MiB -> $((after / 1024)) MiB with $idle_n connections, errors=$errors"
}

# The UDP backend: a sockperf server (one thread) on 127.0.0.1, the one target of every proxy's UDP listener.
udp_backend_pid=""
start_udp_backend() {
  start sockperf-server sockperf server -i 127.0.0.1 -p "$udp_backend"
  udp_backend_pid=$started
  local i
  for i in $(seq 50); do # answers within 10 s, or the run fails here rather than in a measurement
    if timeout 10 sockperf ping-pong -i 127.0.0.1 -p "$udp_backend" -t 1 -m 64 2>&1 | grep -q 'Valid Duration'; then
      return 0
    fi
    kill -0 "$udp_backend_pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "bench/run.sh: the sockperf server on 127.0.0.1:$udp_backend does not answer; its log:" >&2
  tail -n 20 "$tmp/sockperf-server.log" >&2 || true
  exit 1
}
if has "$scenarios" udp-pingpong && has "$proxies" haproxy; then
  notes+=("udp-pingpong: HAProxy has no UDP proxy; Headroom and nginx only")
fi

# ---------------------------------------------------------------- build Headroom once, outside any measurement
log "building/checking Headroom ($headroom)"
"$headroom" --help >"$tmp/headroom-build.log" 2>&1 || { cat "$tmp/headroom-build.log" >&2; exit 1; }

IFS=',' read -r -a proxy_arr <<<"$proxies"
IFS=',' read -r -a scenario_arr <<<"$scenarios"
for s in "${scenario_arr[@]}"; do
  [ "$s" = idle ] || [ -n "${spec[$s]:-}" ] || { echo "bench/run.sh: unknown scenario '$s'" >&2; exit 2; }
done
for p in "${proxy_arr[@]}"; do
  [[ "$p" =~ ^(headroom|haproxy|nginx)$ ]] || { echo "bench/run.sh: unknown proxy '$p'" >&2; exit 2; }
done

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
started_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
declare -A proxy_pid

for threads in $threads_list; do
  log "=== worker threads: $threads"
  headroom_config "$threads" >"$tmp/headroom-$threads.yaml"
  haproxy_config "$threads" >"$tmp/haproxy-$threads.cfg"
  nginx_proxy_config "$threads" >"$tmp/nginx-proxy-$threads.conf"
  for p in "${proxy_arr[@]}"; do
    case "$p" in
      headroom) (cd "$tmp" && exec "$headroom" up --config "$tmp/headroom-$threads.yaml" --drain-timeout 1s) \
                  >"$tmp/headroom.log" 2>&1 &
                proxy_pid[headroom]=$!; pids+=("$!") ;;
      haproxy) start haproxy haproxy -db -f "$tmp/haproxy-$threads.cfg"; proxy_pid[haproxy]=$started ;;
      nginx) start nginx nginx -p "$tmp/nginx-proxy/" -c "$tmp/nginx-proxy-$threads.conf" -e "$tmp/nginx-proxy/error.log"
             proxy_pid[nginx]=$started ;;
    esac
  done
  for p in "${proxy_arr[@]}"; do wait_ok "$(url_of "$p" http /small)" "$p" 90; done

  # Warm-up: the JVM compiles its hot paths under load; the others only need their connection pools.
  # keepalive-rate runs the same code path as keepalive, warmed up closed-loop (its rate is not known yet).
  for s in "${scenario_arr[@]}"; do
    [[ -n "${spec[$s]:-}" && "${spec[$s]}" == http* ]] || continue
    if [ "$s" = keepalive-rate ]; then has "$scenarios" keepalive && continue; s=keepalive; fi
    for p in "${proxy_arr[@]}"; do
      w=$warmup; [ "$p" = headroom ] || w=$(( warmup < other_warmup ? warmup : other_warmup ))
      [ "$w" -gt 0 ] || continue
      log "  warm-up $s $p ${w}s"
      wrk_once "$s" "$p" "$w" >/dev/null
    done
  done

  for s in "${scenario_arr[@]}"; do
    [[ -n "${spec[$s]:-}" && "${spec[$s]}" == http* ]] || continue
    if [ "$s" = keepalive-rate ]; then
      rate_now="$(rate_for "$threads")"
      rates+="$threads:$rate_now "
      log "  keepalive-rate threads=$threads: offering $rate_now req/s"
    fi
    for round in $(seq "$rounds"); do
      for p in "${proxy_arr[@]}"; do measure "$s" "$threads" "$p" "$round" "${proxy_pid[$p]}"; done
    done
  done

  if has "$scenarios" idle; then
    for round in $(seq "$rounds"); do
      for p in "${proxy_arr[@]}"; do measure_idle "$threads" "$p" "$round" "${proxy_pid[$p]}"; done
    done
  fi

  # TCP pass-through and UDP: Headroom runs a second instance with a network load balancer, when it has them.
  tcp_proxies=()
  udp=""; has "$scenarios" udp-pingpong && udp=udp
  if has "$scenarios" tcp-keepalive || has "$scenarios" tcp-1mib || [ -n "$udp" ]; then
    if [ -n "$udp" ] && [ -z "$udp_backend_pid" ]; then start_udp_backend; fi
    for p in "${proxy_arr[@]}"; do
      case "$p" in
        headroom)
          headroom_tcp_config "$threads" "$udp" >"$tmp/headroom-tcp-$threads.yaml"
          if ! "$headroom" validate "$tmp/headroom-tcp-$threads.yaml" >"$tmp/headroom-tcp-validate.log" 2>&1; then
            msg="skipped: tcp scenarios for Headroom: it rejects a network load balancer config ($(head -n 1 "$tmp/headroom-tcp-validate.log"))"
            log "$msg"; notes+=("$msg"); continue
          fi
          (cd "$tmp" && exec "$headroom" up --config "$tmp/headroom-tcp-$threads.yaml" --drain-timeout 1s) \
            >"$tmp/headroom-tcp.log" 2>&1 &
          proxy_pid[headroom-tcp]=$!; pids+=("$!")
          if ! wait_listener "${tcp_port[headroom]}" "${proxy_pid[headroom-tcp]}" "$tmp/headroom-tcp.log"; then
            msg="skipped: tcp scenarios for Headroom: it accepted the network load balancer config but did not open its TCP listener ($(grep -m1 -i 'error\|exception\|headroom is up' "$tmp/headroom-tcp.log" | cut -c1-200 || true))"
            log "$msg"; notes+=("$msg"); stop "${proxy_pid[headroom-tcp]}"; continue
          fi
          wait_ok "$(url_of headroom tcp /small)" headroom-tcp 30
          tcp_proxies+=(headroom) ;;
        nginx)
          if [ -f "$stream_module" ]; then tcp_proxies+=(nginx); else
            msg="skipped: tcp scenarios for nginx: $stream_module is missing (Debian package libnginx-mod-stream)"
            log "$msg"; notes+=("$msg"); fi ;;
        *) wait_ok "$(url_of "$p" tcp /small)" "$p" 30; tcp_proxies+=("$p") ;;
      esac
    done
    for s in tcp-keepalive tcp-1mib; do
      has "$scenarios" "$s" || continue
      for p in "${tcp_proxies[@]+"${tcp_proxies[@]}"}"; do
        w=$warmup; [ "$p" = headroom ] || w=$(( warmup < other_warmup ? warmup : other_warmup ))
        log "  warm-up $s $p ${w}s"; wrk_once "$s" "$p" "$w" >/dev/null
      done
      for round in $(seq "$rounds"); do
        for p in "${tcp_proxies[@]+"${tcp_proxies[@]}"}"; do
          if [ "$p" = headroom ]; then pid=${proxy_pid[headroom-tcp]}; else pid=${proxy_pid[$p]}; fi
          measure "$s" "$threads" "$p" "$round" "$pid"
        done
      done
    done
    # UDP: Headroom's network load balancer and nginx's stream module (HAProxy has no UDP proxy).
    if [ -n "$udp" ]; then
      udp_proxies=()
      for p in "${tcp_proxies[@]+"${tcp_proxies[@]}"}"; do [ "$p" = haproxy ] || udp_proxies+=("$p"); done
      for p in "${udp_proxies[@]+"${udp_proxies[@]}"}"; do
        w=$warmup; [ "$p" = headroom ] || w=$(( warmup < other_warmup ? warmup : other_warmup ))
        [ "$w" -gt 0 ] || continue
        log "  warm-up udp-pingpong $p ${w}s"; wrk_once udp-pingpong "$p" "$w" >/dev/null
      done
      for round in $(seq "$rounds"); do
        for p in "${udp_proxies[@]+"${udp_proxies[@]}"}"; do
          if [ "$p" = headroom ]; then pid=${proxy_pid[headroom-tcp]}; else pid=${proxy_pid[$p]}; fi
          measure udp-pingpong "$threads" "$p" "$round" "$pid"
        done
      done
    fi
    [ -n "${proxy_pid[headroom-tcp]:-}" ] && { stop "${proxy_pid[headroom-tcp]}"; unset 'proxy_pid[headroom-tcp]'; }
  fi

  for p in "${proxy_arr[@]}"; do stop "${proxy_pid[$p]}"; done
  for p in "${proxy_arr[@]}"; do
    if [ "$p" = headroom ]; then f="$tmp/headroom.log"; else f="$tmp/$p.log"; fi
    if grep -q -i 'exception\|leak' "$f" 2>/dev/null; then
      notes+=("threads $threads: $p logged: $(grep -m1 -i 'exception\|leak' "$f" | cut -c1-200)")
    fi
  done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- the table
table="$(sort -t$'\t' -k1,1 -k2,2n -k3,3 "$samples" | awk -F'\t' -v rates="$rates" -v nround="$rounds" \
  -v order="keepalive keepalive-rate close get-1mib post-64kib idle tcp-keepalive tcp-1mib udp-pingpong" '
  function median(list,   a, n, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  function thousands(x,   s, r) {
    s = sprintf("%.0f", x); r = ""
    while (length(s) > 3) { r = "," substr(s, length(s) - 2) r; s = substr(s, 1, length(s) - 3) }
    return s r
  }
  # Round by round (the proxies ran back to back in each): in how many rounds the p99 of Headroom was at or below
  # that of HAProxy. (No apostrophes in this awk program: it is inside single quotes.)
  function pairs(h,   i, n, w) {
    n = 0; w = 0
    for (i = 1; i <= nround; i++) {
      if (!((h SUBSEP "headroom" SUBSEP i) in r99) || !((h SUBSEP "haproxy" SUBSEP i) in r99)) continue
      n++; if (r99[h SUBSEP "headroom" SUBSEP i] + 0 <= r99[h SUBSEP "haproxy" SUBSEP i] + 0) w++
    }
    return n > 1 ? sprintf(" (p99 at or below HAProxy'\''s in %d of %d rounds)", w, n) : ""
  }
  function show(scenario, v, before) {
    if (scenario == "idle") return sprintf("%.0f MB RSS (%.0f before)", v * 1024 / 1e6, before * 1024 / 1e6)
    if (scenario ~ /1mib|64kib/) return sprintf("%.1f MiB/s", v / 1048576)
    if (scenario ~ /^udp/) return thousands(v) " msg/s"
    return thousands(v) " req/s"
  }
  { k = $1 SUBSEP $2 SUBSEP $3; if (!(k in seen)) { seen[k] = 1; keys[++nk] = k }
    r99[k SUBSEP $4] = $7
    v[k] = v[k] " " $5; p50[k] = p50[k] " " $6; p99[k] = p99[k] " " $7; err[k] += $8; rounds[k]++
    cpu[k] = cpu[k] " " $10 }
  END {
    for (i = 1; i <= nk; i++) { k = keys[i]; mv[k] = median(v[k]); m50[k] = median(p50[k]); m99[k] = median(p99[k]); mc[k] = median(cpu[k]) }
    print "| scenario | threads | proxy | median | p50 ms | p99 ms | errors | vs HAProxy | vs nginx | proxy CPU | runs |"
    print "|---|---|---|---|---|---|---|---|---|---|---|"
    ns = split(order, sc, " ")
    for (s = 1; s <= ns; s++) for (t = 1; t <= 64; t++) {
      split("headroom haproxy nginx", px, " ")
      for (q = 1; q <= 3; q++) {
        k = sc[s] SUBSEP t SUBSEP px[q]; if (!(k in mv)) continue
        hk = sc[s] SUBSEP t SUBSEP "haproxy"; gk = sc[s] SUBSEP t SUBSEP "nginx"
        rh = (hk in mv && mv[hk] > 0) ? sprintf("%.2f×", mv[k] / mv[hk]) : "–"
        rg = (gk in mv && mv[gk] > 0) ? sprintf("%.2f×", mv[k] / mv[gk]) : "–"
        fmt = sc[s] ~ /^udp/ ? "%.3f" : "%.2f" # UDP round trips on loopback take tens of microseconds
        lat50 = sc[s] == "idle" ? "–" : sprintf(fmt, m50[k] / 1000)
        lat99 = sc[s] == "idle" ? "–" : sprintf(fmt, m99[k] / 1000)
        cores = sc[s] == "idle" ? "–" : sprintf("%.2f", mc[k])
        printf "| %s | %d | %s | %s | %s | %s | %d | %s | %s | %s | %d |\n", sc[s], t, px[q], show(sc[s], mv[k], m50[k]), lat50, lat99, err[k], rh, rg, cores, rounds[k]
      }
    }
    # Targets of issue 5, Headroom against HAProxy in the same run.
    print ""
    nr = split(rates, rr, " "); for (i = 1; i <= nr; i++) { split(rr[i], kv, ":"); offered[kv[1]] = kv[2] }
    for (t = 1; t <= 64; t++) {
      h = "keepalive" SUBSEP t
      if ((h SUBSEP "headroom") in mv && (h SUBSEP "haproxy") in mv) {
        r = mv[h SUBSEP "headroom"] / mv[h SUBSEP "haproxy"]; ok = r >= 1.1 && m99[h SUBSEP "headroom"] <= m99[h SUBSEP "haproxy"]
        printf "- threads %d, keep-alive ≥ 1.1× HAProxy with p99 no worse: %.2f×, p99 %.2f vs %.2f ms — %s%s\n", t, r, m99[h SUBSEP "headroom"] / 1000, m99[h SUBSEP "haproxy"] / 1000, (ok ? "met" : "MISSED"), pairs(h)
      }
      h = "keepalive-rate" SUBSEP t
      if ((h SUBSEP "headroom") in mv && (t in offered)) {
        line = sprintf("- threads %d, keep-alive at a fixed %s req/s (open loop; not a target of its own): p99 Headroom %.2f ms", t, thousands(offered[t]), m99[h SUBSEP "headroom"] / 1000)
        if ((h SUBSEP "haproxy") in mv) line = line sprintf(", HAProxy %.2f ms", m99[h SUBSEP "haproxy"] / 1000)
        if ((h SUBSEP "nginx") in mv) line = line sprintf(", nginx %.2f ms", m99[h SUBSEP "nginx"] / 1000)
        short = ""
        split("headroom haproxy nginx", px, " ")
        for (q = 1; q <= 3; q++) if ((h SUBSEP px[q]) in mv && mv[h SUBSEP px[q]] < 0.97 * offered[t]) short = short " " px[q] sprintf(" (%.0f %%)", 100 * mv[h SUBSEP px[q]] / offered[t])
        print line pairs(h) (short == "" ? "; every proxy carried the rate" : "; rate NOT reached by" short)
      }
      split("close get-1mib post-64kib tcp-keepalive tcp-1mib", one, " ")
      for (j = 1; j <= 5; j++) {
        h = one[j] SUBSEP t
        if ((h SUBSEP "headroom") in mv && (h SUBSEP "haproxy") in mv && mv[h SUBSEP "haproxy"] > 0) {
          r = mv[h SUBSEP "headroom"] / mv[h SUBSEP "haproxy"]
          printf "- threads %d, %s ≥ 1.0× HAProxy: %.2f× — %s\n", t, one[j], r, (r >= 1.0 ? "met" : "MISSED")
        }
      }
      h = "udp-pingpong" SUBSEP t
      if ((h SUBSEP "headroom") in mv && (h SUBSEP "nginx") in mv && mv[h SUBSEP "nginx"] > 0)
        printf "- threads %d, udp-pingpong (not a target; HAProxy has no UDP proxy): %.2f× nginx, p99 %.3f vs %.3f ms\n", t, mv[h SUBSEP "headroom"] / mv[h SUBSEP "nginx"], m99[h SUBSEP "headroom"] / 1000, m99[h SUBSEP "nginx"] / 1000
      h = "idle" SUBSEP t SUBSEP "headroom"
      if (h in mv) printf "- threads %d, idle connections in ≤ 300 MB RSS: %.0f MB — %s\n", t, mv[h] * 1024 / 1e6, (mv[h] * 1024 / 1e6 <= 300 ? "met" : "MISSED")
    }
  }')"

[ -n "$table" ] || { echo "bench/run.sh: FAILED: the report's table came out empty (see the errors above)" >&2; exit 1; }

commit="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$repo" status --porcelain -- '*/src/main/*' pom.xml '*/pom.xml' headroom 2>/dev/null)" ]; then
  commit="$commit+uncommitted"
fi
cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
report="$(cat <<EOF
# Headroom vs HAProxy vs nginx — $started_at

- commit: $commit
- machine: $(nproc) CPUs ($cpu), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r)
- load average before / after: $load_before / $load_after
- versions: $(java -version 2>&1 | head -n 1); $(haproxy -v | head -n 1 | cut -d' ' -f1-3); $(nginx -v 2>&1 | cut -d' ' -f3); $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2); $(sockperf --version 2>&1 | head -n 1 | cut -d, -f2 | sed 's/^ *//;s/^/sockperf /')
- method: rounds $rounds × ${duration}s per scenario and proxy, in alternation; medians; Headroom warmed up ${warmup}s per scenario;
  wrk -t $wrk_threads --timeout 5s; 64 connections (keepalive, keepalive-rate, close, tcp-keepalive), 16 (get-1mib, post-64kib, tcp-1mib);
  keepalive-rate: the keepalive request offered open-loop at a fixed rate (bench/rate.lua), half of HAProxy's keep-alive
  median in the same pass unless --rate is given; its median column is the rate reached;
  idle: $idle_n keep-alive connections after one GET each, RSS of the proxy's processes ${settle} s after the last answer;
  udp-pingpong: 4 sockperf ping-pong clients at once (each one flow, one 64-byte datagram in flight, full round trip);
  median column: round trips/s summed over the clients; p50: the clients' mean; p99: the worst client's;
  errors: wrk's socket errors + responses with status ≥ 400, summed over rounds (idle: connections that failed;
  udp-pingpong: clients that reported nothing + datagrams lost);
  proxy CPU: cores the proxy's processes used during the run (user + system time / run time), median

$table
EOF
)"
if [ ${#notes[@]} -gt 0 ]; then
  report+=$'\n\nNotes:'
  for n in "${notes[@]}"; do report+=$'\n'"- $n"; done
fi
echo
echo "$report"
if [ "$write_results" = 1 ]; then
  mkdir -p "$here/results"
  out="$here/results/$(date -u +%Y-%m-%d-%H%M)-${commit%%+*}.md"
  echo "$report" >"$out"
  log "wrote $out"
fi

total_errors=$(awk -F'\t' '{ s += $8 } END { print s + 0 }' "$samples")
if [ "$quick" = 1 ] && [ "$total_errors" -gt 0 ]; then
  echo "bench/run.sh --quick: FAILED: $total_errors errors (socket errors or HTTP status >= 400); see the table" >&2
  exit 1
fi
if [ "$quick" = 1 ] && [ ! -s "$samples" ]; then
  echo "bench/run.sh --quick: FAILED: nothing was measured" >&2
  exit 1
fi
