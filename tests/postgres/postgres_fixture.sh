#!/usr/bin/env bash
# A throw-away PostgreSQL server for the tests.
#
#   postgres_fixture.sh start <dir>   fresh cluster in <dir>, listening on 127.0.0.1 at a free
#                                     port (and a socket in <dir> when the path is short enough);
#                                     writes the connection string to <dir>/conninfo
#   postgres_fixture.sh stop <dir>    stops it and removes <dir>
#
# The server runs with fsync=on, like production, so the tests see real commit costs. Local
# connections are trusted: the cluster lives only as long as one test run. PostgreSQL refuses to
# run as root, so under uid 0 the server runs as the `postgres` system user. PG_BIN may name the
# directory holding initdb and pg_ctl; by default the newest /usr/lib/postgresql/<ver>/bin.
set -euo pipefail

usage() { echo "usage: $0 start|stop <dir>" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
cmd=$1
dir=$2
[[ -n $dir && $dir != / ]] || usage
case $dir in /*) ;; *) dir=$PWD/$dir ;; esac
marker=$dir/.sedun-postgres-fixture
user=sedun

find_bin() {
  if [[ -n ${PG_BIN:-} ]]; then echo "$PG_BIN"; return; fi
  # The newest installed major version (sort -V orders 9.6 < 10 < 15).
  local best
  best=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [[ -z $best ]] && command -v initdb >/dev/null; then best=$(dirname "$(command -v initdb)"); fi
  if [[ -z $best || ! -x $best/initdb ]]; then
    echo "postgres_fixture: initdb not found (install postgresql, or set PG_BIN)" >&2
    exit 1
  fi
  echo "$best"
}

# Runs a server program as the postgres user when we are root.
as_server() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop_cluster() {
  if [[ -f $dir/data/postmaster.pid ]]; then
    as_server "$bin/pg_ctl" -D "$dir/data" stop -m fast -w -t 60 >/dev/null 2>&1 ||
      as_server "$bin/pg_ctl" -D "$dir/data" stop -m immediate -w -t 30 >/dev/null 2>&1 || true
  fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

bin=$(find_bin)

case $cmd in
  start)
    if [[ -e $dir ]]; then
      # Only ever remove a directory this script made (a run killed before its stop step).
      if [[ -f $marker ]]; then
        stop_cluster
        rm -rf "$dir"
      elif [[ -n $(ls -A "$dir") ]]; then
        echo "postgres_fixture: $dir exists and is not a fixture directory; not touching it" >&2
        exit 1
      fi
    fi
    mkdir -p "$dir"
    touch "$marker"
    if [[ $(id -u) -eq 0 ]]; then chown postgres: "$dir"; fi
    as_server "$bin/initdb" -D "$dir/data" -U "$user" -A trust -E UTF8 --locale=C.UTF-8 \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    socket_dir=$dir
    # A Unix socket path is limited to ~107 bytes; fall back to TCP only when it would not fit.
    if [[ $(( ${#dir} + 20 )) -gt 100 ]]; then socket_dir=; fi
    started=
    for _ in $(seq 1 20); do
      port=$(( 20000 + RANDOM % 40000 ))
      port_in_use "$port" && continue
      settings="-c listen_addresses=127.0.0.1 -c port=$port"
      settings+=" -c unix_socket_directories='$socket_dir'"
      settings+=" -c fsync=on -c synchronous_commit=on -c max_connections=300"
      if as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
          -o "$settings" >/dev/null 2>&1; then
        started=1
        break
      fi
    done
    if [[ -z $started ]]; then
      echo "postgres_fixture: server did not start; log follows" >&2
      cat "$dir/server.log" >&2 || true
      exit 1
    fi
    "$bin/pg_isready" -h 127.0.0.1 -p "$port" -t 30 >/dev/null
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$user" sedun_test
    echo "host=127.0.0.1 port=$port dbname=sedun_test user=$user connect_timeout=10" \
      >"$dir/conninfo.tmp"
    mv "$dir/conninfo.tmp" "$dir/conninfo"
    version=$("$bin/postgres" --version | awk '{print $3}')
    echo "postgres_fixture: PostgreSQL $version on 127.0.0.1:$port, conninfo in $dir/conninfo"
    ;;
  stop)
    if [[ -e $dir && ! -f $marker ]]; then
      echo "postgres_fixture: $dir is not a fixture directory; not touching it" >&2
      exit 1
    fi
    stop_cluster
    rm -rf "$dir"
    ;;
  *) usage ;;
esac
