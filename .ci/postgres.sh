#!/usr/bin/env bash
# A throwaway PostgreSQL server (Debian's `postgresql` package) for the API tests: its own data
# directory, loopback only, trust authentication, run as the postgres user (so run this as root,
# as CI does).
#   url=$(bash .ci/postgres.sh start DIR PORT)   # prints the SQLAlchemy URL of an empty database
#   bash .ci/postgres.sh stop DIR
set -euo pipefail
cmd=$1 dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_postgres() { runuser -u postgres -- "$@"; }
case $cmd in
start)
    port=$3
    mkdir -p "$dir"
    chown postgres: "$dir"
    as_postgres "$bin/initdb" -D "$dir/data" --auth=trust -U postgres -E UTF8 >/dev/null
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300" start >/dev/null
    as_postgres "$bin/createdb" -h 127.0.0.1 -p "$port" scheduler_test
    echo "postgresql+psycopg://postgres@127.0.0.1:$port/scheduler_test"
    ;;
stop)
    as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
*)
    echo "usage: $0 start DIR PORT | stop DIR" >&2
    exit 2
    ;;
esac
