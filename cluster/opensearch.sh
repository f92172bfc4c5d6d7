#!/usr/bin/env bash
# Local OpenSearch 2.19 test cluster for newsearch, built from Maven Central jars.
#
#   cluster/opensearch.sh start [--nodes N] [--fresh]   start (or reuse) an N-node cluster, wait
#                                                     for green; last stdout line = base URL
#   cluster/opensearch.sh stop                        stop every node this script started
#   cluster/opensearch.sh stop-node K                 stop node K only (fault tests)
#   cluster/opensearch.sh start-node K                restart node K, wait for green again
#   cluster/opensearch.sh status                      per-node pids + cluster health
#   cluster/opensearch.sh url                         print the base URL (exit 1 if not running)
#   cluster/opensearch.sh build                       (re)build the launcher with Maven
#   cluster/opensearch.sh clean                       stop, then delete data, logs and state
#
# One JVM per node; node K listens on 127.0.0.1 only, HTTP port HTTP_BASE+K, transport port
# TRANSPORT_BASE+K. Processes are tracked by pid files and stopped by pid, never by name.
# See cluster/README.md for environment variables.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LAUNCHER_DIR="$SCRIPT_DIR/launcher"
MAIN_CLASS="org.newsearch.cluster.NodeLauncher"

WORK="${NEWSEARCH_CLUSTER_DIR:-$SCRIPT_DIR/.work}"
DEFAULT_NODES="${NEWSEARCH_CLUSTER_NODES:-1}"
DEFAULT_HTTP_BASE="${NEWSEARCH_CLUSTER_HTTP_PORT:-9200}"
DEFAULT_TRANSPORT_BASE="${NEWSEARCH_CLUSTER_TRANSPORT_PORT:-9300}"
DEFAULT_CLUSTER_NAME="${NEWSEARCH_CLUSTER_NAME:-newsearch-test}"
HEAP="${NEWSEARCH_CLUSTER_HEAP:-512m}"
TIMEOUT="${NEWSEARCH_CLUSTER_TIMEOUT:-180}"
STOP_TIMEOUT="${NEWSEARCH_CLUSTER_STOP_TIMEOUT:-60}"
EXTRA_JAVA_OPTS="${NEWSEARCH_CLUSTER_JAVA_OPTS:-}"
MVN="${NEWSEARCH_MVN:-mvn}"
MVN_ARGS="${NEWSEARCH_MVN_ARGS:-}"

CONF_FILE="$WORK/cluster.conf"
RUN_DIR="$WORK/run"
LOG_DIR="$WORK/logs"
NODES_DIR="$WORK/nodes"
BUILD_STAMP="$LAUNCHER_DIR/target/.newsearch-built"

# Effective cluster layout; load_conf overrides these with the stored values.
NODES="$DEFAULT_NODES"
HTTP_BASE="$DEFAULT_HTTP_BASE"
TRANSPORT_BASE="$DEFAULT_TRANSPORT_BASE"
CLUSTER_NAME="$DEFAULT_CLUSTER_NAME"

log() { printf 'opensearch.sh: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

usage() {
    sed -n '2,16s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
    exit "${1:-2}"
}

is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }

# ---------------------------------------------------------------- state ---

load_conf() {
    [[ -f "$CONF_FILE" ]] || return 1
    local key value
    while IFS='=' read -r key value; do
        case "$key" in
            NODES) NODES="$value" ;;
            HTTP_BASE) HTTP_BASE="$value" ;;
            TRANSPORT_BASE) TRANSPORT_BASE="$value" ;;
            CLUSTER_NAME) CLUSTER_NAME="$value" ;;
        esac
    done < "$CONF_FILE"
    if ! is_uint "$NODES" || ! is_uint "$HTTP_BASE" || ! is_uint "$TRANSPORT_BASE"; then
        die "corrupt $CONF_FILE (run: $0 clean)"
    fi
}

save_conf() {
    mkdir -p "$WORK"
    printf 'NODES=%s\nHTTP_BASE=%s\nTRANSPORT_BASE=%s\nCLUSTER_NAME=%s\n' \
        "$NODES" "$HTTP_BASE" "$TRANSPORT_BASE" "$CLUSTER_NAME" > "$CONF_FILE.tmp"
    mv -f "$CONF_FILE.tmp" "$CONF_FILE"
}

http_port() { echo $((HTTP_BASE + $1)); }
transport_port() { echo $((TRANSPORT_BASE + $1)); }
base_url() { echo "http://127.0.0.1:$(http_port "${1:-0}")"; }
pid_file() { echo "$RUN_DIR/node-$1.pid"; }
node_home() { echo "$NODES_DIR/node-$1"; }
node_log() { echo "$LOG_DIR/node-$1.log"; }

# The pid recorded for node K, if that process is alive AND is our launcher for that node's
# home directory (guards against a recycled pid). Prints the pid; returns 1 otherwise.
node_pid() {
    local file pid cmdline
    file="$(pid_file "$1")"
    [[ -f "$file" ]] || return 1
    pid="$(tr -dc '0-9' < "$file")"
    [[ -n "$pid" ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    if [[ -r "/proc/$pid/cmdline" ]]; then
        cmdline="$(tr '\0' ' ' < "/proc/$pid/cmdline")"
    else
        cmdline="$(ps -ww -p "$pid" -o args= 2>/dev/null || true)"
    fi
    [[ "$cmdline" == *"$MAIN_CLASS"* && "$cmdline" == *"-Epath.home=$(node_home "$1") "* ]] || return 1
    echo "$pid"
}

port_in_use() {
    # true if something accepts connections on 127.0.0.1:$1
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Fail if a port needed by one of the given nodes is taken (by anything: callers only pass
# nodes that are not running).
check_ports() {
    local k port
    for k in "$@"; do
        for port in "$(http_port "$k")" "$(transport_port "$k")"; do
            if port_in_use "$port"; then
                die "port $port (needed by node-$k) is already in use by a process this script did not" \
                    "start; set NEWSEARCH_CLUSTER_HTTP_PORT / NEWSEARCH_CLUSTER_TRANSPORT_PORT to use other ports"
            fi
        done
    done
}

running_nodes() {
    local k n=0
    for ((k = 0; k < NODES; k++)); do
        if node_pid "$k" > /dev/null; then n=$((n + 1)); fi
    done
    echo "$n"
}

# ------------------------------------------------------------------ java ---

find_java() {
    if [[ -n "${NEWSEARCH_JAVA:-}" ]]; then
        JAVA="$NEWSEARCH_JAVA"
    elif [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
        JAVA="$JAVA_HOME/bin/java"
    else
        JAVA="$(command -v java || true)"
    fi
    [[ -n "$JAVA" && -x "$JAVA" ]] || die "no java found (need Java 17; set JAVA_HOME or NEWSEARCH_JAVA)"
    local version
    version="$("$JAVA" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n1)"
    JAVA_MAJOR="${version%%.*}"
    [[ "$JAVA_MAJOR" == 1 ]] && JAVA_MAJOR="$(echo "$version" | cut -d. -f2)"
    is_uint "${JAVA_MAJOR:-x}" || die "cannot parse the version of $JAVA ($version)"
    if ((JAVA_MAJOR < 11)); then
        die "$JAVA is Java $JAVA_MAJOR; OpenSearch 2.19 needs 11+ (17 recommended)"
    elif ((JAVA_MAJOR != 17 && JAVA_MAJOR != 21)); then
        log "warning: $JAVA is Java $JAVA_MAJOR; OpenSearch 2.19 is tested with 11/17/21 (17 recommended)"
    fi
}

# --------------------------------------------------------------- build ---

# Content hash of the launcher sources (not mtimes, so that a CI cache of launcher/target
# stays valid across fresh checkouts).
launcher_hash() {
    (cd "$LAUNCHER_DIR" && find pom.xml src -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) \
        | sha256sum | cut -d' ' -f1
}

needs_build() {
    [[ -f "$BUILD_STAMP" && -d "$LAUNCHER_DIR/target/lib" && -d "$LAUNCHER_DIR/target/classes" ]] || return 0
    [[ "$(cat "$BUILD_STAMP")" != "$(launcher_hash)" ]]
}

build_launcher() {
    command -v "$MVN" > /dev/null || die "Maven ($MVN) not found; it is needed once to build the launcher"
    mkdir -p "$LOG_DIR"
    local build_log="$LOG_DIR/build.log" start=$SECONDS
    log "building the launcher with Maven (first run downloads ~75 MB from Maven Central) ..."
    rm -rf "$LAUNCHER_DIR/target"
    # MVN_ARGS is deliberately word-split (e.g. "-o -Dmaven.repo.local=/cache/m2").
    # shellcheck disable=SC2086
    if ! (cd "$LAUNCHER_DIR" && JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$JAVA")")")}" \
        "$MVN" -B -q -Dstyle.color=never $MVN_ARGS compile) > "$build_log" 2>&1; then
        tail -n 40 "$build_log" >&2
        die "Maven build failed (full log: $build_log)"
    fi
    launcher_hash > "$BUILD_STAMP"
    log "launcher built in $((SECONDS - start))s"
}

ensure_built() {
    if needs_build; then build_launcher; fi
}

# --------------------------------------------------------- node control ---

# Node K is cluster-manager-eligible if K < number of managers: 1 for 1-2 nodes (so that
# stopping node 1 of 2 keeps a cluster manager), 3 for 3+ nodes.
manager_count() { if ((NODES >= 3)); then echo 3; else echo 1; fi; }

launch_node() {
    local k="$1" home http tport seeds="" managers="" roles i log_file
    home="$(node_home "$k")"
    http="$(http_port "$k")"
    tport="$(transport_port "$k")"
    for ((i = 0; i < NODES; i++)); do seeds+="${seeds:+,}127.0.0.1:$(transport_port "$i")"; done
    for ((i = 0; i < $(manager_count); i++)); do managers+="${managers:+,}node-$i"; done
    if ((k < $(manager_count))); then
        roles="cluster_manager,data,ingest,remote_cluster_client"
    else
        roles="data,ingest,remote_cluster_client"
    fi
    check_ports "$k"
    mkdir -p "$home/config" "$home/data" "$home/logs" "$home/tmp" "$RUN_DIR" "$LOG_DIR"
    log_file="$(node_log "$k")"
    [[ -f "$log_file" ]] && mv -f "$log_file" "$log_file.1"

    local locale_providers="SPI,COMPAT"
    ((JAVA_MAJOR >= 23)) && locale_providers="SPI,CLDR"
    local -a jvm=(
        "-Xms$HEAP" "-Xmx$HEAP" -Xss1m
        -XX:+UseG1GC -XX:G1ReservePercent=25 -XX:InitiatingHeapOccupancyPercent=30
        -XX:-OmitStackTraceInFastThrow -XX:+ShowCodeDetailsInExceptionMessages
        "-XX:ErrorFile=$LOG_DIR/hs_err_node-${k}_pid%p.log"
        -Djava.awt.headless=true -Dfile.encoding=UTF-8 -Djna.nosys=true
        -Djava.net.preferIPv4Stack=true "-Djava.locale.providers=$locale_providers"
        -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true
        -Dio.netty.recycler.maxCapacityPerThread=0
        -Dlog4j.shutdownHookEnabled=false -Dlog4j2.disable.jmx=true -Dlog4j2.formatMsgNoLookups=true
        "-Djava.io.tmpdir=$home/tmp"
    )
    local -a extra=()
    if [[ -n "$EXTRA_JAVA_OPTS" ]]; then read -r -a extra <<< "$EXTRA_JAVA_OPTS"; fi
    local -a settings=(
        "-Epath.home=$home"
        "-Epath.data=$home/data"
        "-Epath.logs=$home/logs"
        "-Ecluster.name=$CLUSTER_NAME"
        "-Enode.name=node-$k"
        "-Enode.roles=$roles"
        -Enetwork.host=127.0.0.1
        "-Ehttp.port=$http"
        "-Etransport.port=$tport"
        -Ehttp.type=netty4
        -Etransport.type=netty4
        "-Ediscovery.seed_hosts=$seeds"
        "-Ecluster.initial_cluster_manager_nodes=$managers"
        -Ecluster.routing.allocation.disk.threshold_enabled=false
    )
    local cp="$LAUNCHER_DIR/target/classes:$LAUNCHER_DIR/target/lib/*"
    local pidf child deadline
    pidf="$(pid_file "$k")"
    rm -f "$pidf"
    # setsid: the node gets its own session, so it survives signals sent to the caller's
    # process group (e.g. a test runner's Ctrl-C). The launcher writes its own pid to the pid
    # file as its first action; that file is the source of truth for stop/stop-node.
    # 9>&- : the node must not inherit the lock file descriptor (see lock()).
    setsid "$JAVA" "${jvm[@]}" "${extra[@]}" -cp "$cp" "$MAIN_CLASS" --pid-file "$pidf" "${settings[@]}" \
        < /dev/null >> "$log_file" 2>&1 9>&- &
    child=$!
    deadline=$((SECONDS + 30))
    while [[ ! -s "$pidf" ]]; do
        if ! kill -0 "$child" 2>/dev/null && [[ ! -s "$pidf" ]]; then
            tail -n 40 "$log_file" >&2
            die "node-$k (pid $child) exited before it started; log: $log_file"
        fi
        ((SECONDS < deadline)) || die "node-$k (pid $child) did not write $pidf within 30s; log: $log_file"
        sleep 0.1
    done
    log "node-$k starting: pid $(cat "$pidf"), http $http, transport $tport, log $log_file"
}

# Stop node K by pid: SIGTERM (clean close), SIGKILL after STOP_TIMEOUT seconds.
stop_pids() {
    local -a pids=("$@")
    local pid deadline=$((SECONDS + STOP_TIMEOUT)) alive
    ((${#pids[@]})) || return 0
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    while :; do
        alive=()
        for pid in "${pids[@]}"; do
            if kill -0 "$pid" 2>/dev/null; then alive+=("$pid"); fi
        done
        ((${#alive[@]})) || return 0
        if ((SECONDS >= deadline)); then
            log "pids ${alive[*]} did not exit within ${STOP_TIMEOUT}s; sending SIGKILL"
            for pid in "${alive[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
            sleep 1
            return 0
        fi
        sleep 0.2
    done
}

wait_ports_free() {
    local k port deadline=$((SECONDS + 15))
    for k in "$@"; do
        for port in "$(http_port "$k")" "$(transport_port "$k")"; do
            while port_in_use "$port"; do
                ((SECONDS < deadline)) || { log "warning: port $port still in use"; break; }
                sleep 0.2
            done
        done
    done
}

stop_nodes() {
    local k pid
    local -a pids=() ks=()
    for k in "$@"; do
        if pid="$(node_pid "$k")"; then
            pids+=("$pid")
            ks+=("$k")
            log "stopping node-$k (pid $pid)"
        fi
        rm -f "$(pid_file "$k")"
    done
    if ((${#pids[@]})); then
        stop_pids "${pids[@]}"
        wait_ports_free "${ks[@]}"
    fi
    echo "${#pids[@]}"
}

dump_logs() {
    local k f
    for ((k = 0; k < NODES; k++)); do
        f="$(node_log "$k")"
        [[ -f "$f" ]] || continue
        printf '\n----- last 40 lines of %s -----\n' "$f" >&2
        tail -n 40 "$f" >&2
    done
}

# Wait until the cluster (seen through node $1's HTTP port) is green with NODES nodes.
# Arguments: query node, then the nodes launched by this invocation (checked for early death).
wait_green() {
    local via="$1" deadline=$((SECONDS + TIMEOUT)) body="" k url
    shift
    url="$(base_url "$via")/_cluster/health?wait_for_status=green&wait_for_nodes=$NODES&timeout=5s"
    while :; do
        for k in "$@"; do
            if ! node_pid "$k" > /dev/null; then
                dump_logs
                log "ERROR: node-$k exited during startup (log: $(node_log "$k"))"
                return 1
            fi
        done
        body="$(curl -s -m 10 "$url" 2>/dev/null || true)"
        if [[ "$body" == *'"status":"green"'* && "$body" == *'"timed_out":false'* ]]; then
            return 0
        fi
        if ((SECONDS >= deadline)); then
            dump_logs
            log "ERROR: cluster not green with $NODES node(s) after ${TIMEOUT}s; last health: ${body:-<no answer>}"
            return 1
        fi
        sleep 1
    done
}

# ------------------------------------------------------------ commands ---

# Serialise concurrent invocations (e.g. parallel test workers all calling `start`).
# The lock is held on fd 9 until this script exits; nodes are launched with 9>&-.
lock() {
    mkdir -p "$WORK"
    if command -v flock > /dev/null; then
        exec 9> "$WORK/.lock"
        if ! flock -n 9; then
            log "waiting for another opensearch.sh invocation on $WORK to finish ..."
            flock -w $((TIMEOUT + 300)) 9 || die "could not lock $WORK/.lock"
        fi
    fi
}

cmd_start() {
    local want="" fresh=0
    while (($#)); do
        case "$1" in
            --nodes) [[ $# -ge 2 ]] || usage; want="$2"; shift 2 ;;
            --nodes=*) want="${1#--nodes=}"; shift ;;
            --fresh) fresh=1; shift ;;
            *) usage ;;
        esac
    done
    if [[ -n "$want" ]]; then
        if ! is_uint "$want" || ((want < 1 || want > 50)); then die "--nodes must be 1..50"; fi
    fi
    command -v curl > /dev/null || die "curl is required"
    lock

    local had_conf=0
    if load_conf; then had_conf=1; fi
    local running
    running="$(running_nodes)"
    if ((running > 0)); then
        if [[ -n "$want" && "$want" != "$NODES" ]]; then
            die "a $NODES-node cluster started by this script is running ($running up); run '$0 stop' first"
        fi
        ((fresh)) && die "--fresh needs a stopped cluster; run '$0 stop' first"
    else
        local prev_nodes="$NODES" prev_name="$CLUSTER_NAME"
        NODES="${want:-$DEFAULT_NODES}"
        HTTP_BASE="$DEFAULT_HTTP_BASE"
        TRANSPORT_BASE="$DEFAULT_TRANSPORT_BASE"
        CLUSTER_NAME="$DEFAULT_CLUSTER_NAME"
        if ((had_conf)) && [[ -d "$NODES_DIR" ]] && [[ "$prev_nodes" != "$NODES" || "$prev_name" != "$CLUSTER_NAME" ]]; then
            log "previous data is from a $prev_nodes-node cluster '$prev_name'; wiping it for a fresh $NODES-node cluster"
            fresh=1
        fi
        if ((fresh)) && [[ -d "$NODES_DIR" ]]; then
            rm -rf "$NODES_DIR"
        fi
        rm -f "$RUN_DIR"/node-*.pid
    fi

    local k start=$SECONDS
    local -a launched=()
    for ((k = 0; k < NODES; k++)); do
        if ! node_pid "$k" > /dev/null; then
            launched+=("$k")
        fi
    done
    if ((${#launched[@]} == 0)); then
        log "cluster already running ($NODES node(s)); checking health"
    else
        check_ports "${launched[@]}"
        find_java
        ensure_built
        start=$SECONDS
        save_conf
        for k in "${launched[@]}"; do launch_node "$k"; done
    fi
    if ! wait_green 0 "${launched[@]}"; then
        if ((${#launched[@]})) && [[ "${NEWSEARCH_CLUSTER_KEEP_ON_FAILURE:-0}" != 1 ]]; then
            log "stopping the nodes started by this attempt (set NEWSEARCH_CLUSTER_KEEP_ON_FAILURE=1 to keep them)"
            stop_nodes "${launched[@]}" > /dev/null
        fi
        exit 1
    fi
    if ((${#launched[@]})); then
        log "cluster '$CLUSTER_NAME' green with $NODES node(s) after $((SECONDS - start))s"
    fi
    base_url 0
}

cmd_stop() {
    lock
    if ! load_conf; then
        log "no cluster state in $WORK; nothing to stop"
        return 0
    fi
    local -a all=()
    local k n
    for ((k = 0; k < NODES; k++)); do all+=("$k"); done
    n="$(stop_nodes "${all[@]}")"
    if ((n == 0)); then log "not running"; else log "stopped $n node(s)"; fi
}

node_arg() {
    if [[ $# -ne 1 ]] || ! is_uint "$1"; then usage; fi
    load_conf || die "no cluster has been started from $WORK yet; use '$0 start --nodes N'"
    (($1 < NODES)) || die "node $1 does not exist (the cluster has $NODES node(s): 0..$((NODES - 1)))"
}

cmd_stop_node() {
    node_arg "$@"
    lock
    local n
    n="$(stop_nodes "$1")"
    if ((n == 0)); then log "node-$1 was not running"; else log "stopped node-$1"; fi
    if (($1 < $(manager_count))) && ((NODES < 3)); then
        log "note: node-$1 is the only cluster manager; the cluster is unavailable until it is back"
    fi
}

cmd_start_node() {
    node_arg "$@"
    command -v curl > /dev/null || die "curl is required"
    lock
    find_java
    ensure_built
    local k="$1" start=$SECONDS
    if node_pid "$k" > /dev/null; then
        log "node-$k is already running"
        wait_green "$k"
    else
        launch_node "$k"
        wait_green "$k" "$k" || exit 1
        log "node-$k back; cluster green with $NODES node(s) after $((SECONDS - start))s"
    fi
    base_url "$k"
}

cmd_status() {
    if ! load_conf; then
        echo "not started (no state in $WORK)"
        return 1
    fi
    local k pid up=0
    echo "cluster '$CLUSTER_NAME', $NODES node(s), work dir $WORK"
    for ((k = 0; k < NODES; k++)); do
        if pid="$(node_pid "$k")"; then
            up=$((up + 1))
            echo "node-$k: running pid $pid, http $(base_url "$k"), transport 127.0.0.1:$(transport_port "$k")"
        else
            echo "node-$k: stopped"
        fi
    done
    if ((up > 0)); then
        for ((k = 0; k < NODES; k++)); do
            if node_pid "$k" > /dev/null; then
                echo "health: $(curl -s -m 5 "$(base_url "$k")/_cluster/health" || echo '<no answer>')"
                break
            fi
        done
    fi
    ((up == NODES))
}

cmd_url() {
    load_conf || return 1
    local k
    for ((k = 0; k < NODES; k++)); do
        if node_pid "$k" > /dev/null; then
            base_url "$k"
            return 0
        fi
    done
    return 1
}

cmd_clean() {
    cmd_stop
    lock
    rm -rf "$NODES_DIR" "$RUN_DIR" "$LOG_DIR" "$CONF_FILE"
    log "removed data, logs and state under $WORK"
}

main() {
    (($#)) || usage
    local cmd="$1"
    shift
    case "$cmd" in
        start) cmd_start "$@" ;;
        stop) (($# == 0)) || usage; cmd_stop ;;
        stop-node) cmd_stop_node "$@" ;;
        start-node) cmd_start_node "$@" ;;
        status) cmd_status ;;
        url) cmd_url ;;
        build) find_java; lock; build_launcher ;;
        clean) cmd_clean ;;
        -h | --help | help) usage 0 ;;
        *) usage ;;
    esac
}

main "$@"
