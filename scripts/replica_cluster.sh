#!/usr/bin/env bash
# A second PostgreSQL cluster on this machine, a streaming replica of the local one (pg_basebackup), for the
# replica test (tests/crm/test_replica.py) and the two-node benchmark. README "Scaling out".
#
#   scripts/replica_cluster.sh start   # prints the DATABASE_REPLICA_URL to use (database name: yours)
#   scripts/replica_cluster.sh stop    # stops it and removes its data directory
#
# REPLICA_PORT (5433), REPLICA_DATA (/tmp/crm-replica-$REPLICA_PORT), PRIMARY_PORT (5432). The primary needs
# wal_level replica (PostgreSQL's default); a "host replication" line for 127.0.0.1 is added to its pg_hba.conf
# (and the configuration reloaded) when it has none.
set -euo pipefail
action=${1:-start}
PORT=${REPLICA_PORT:-5433}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
DATA=${REPLICA_DATA:-/tmp/crm-replica-${PORT}}
BIN=/usr/lib/postgresql/$(ls /usr/lib/postgresql | sort -V | tail -n 1)/bin
# PostgreSQL refuses to run as root: run its programs as the postgres user then.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$action" in
  start)
    if pg_isready -h 127.0.0.1 -p "$PORT" -q; then
      echo "a server already answers on port ${PORT}"
    else
      hba=$(psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -Atc "SHOW hba_file")
      if ! grep -Eq '^host[[:space:]]+replication' "$hba"; then
        # The copy and the stream come over a replication connection: allow it from this machine only.
        echo "host replication all 127.0.0.1/32 trust  # added by crm scripts/replica_cluster.sh" >> "$hba"
        psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -Atqc "SELECT pg_reload_conf()" >/dev/null
        sleep 1
      fi
      as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true
      rm -rf "$DATA"
      mkdir -p "$DATA"
      chmod 700 "$DATA"
      [ "$(id -u)" = 0 ] && chown postgres: "$DATA"
      # -R writes standby.signal and the connection to the primary: the copy starts as a streaming replica.
      as_pg "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$DATA" -R -X stream -c fast
      MAX_CONNECTIONS=$(psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -Atc "SHOW max_connections")
      # Debian keeps the configuration outside the data directory: give the copy its own, minimal one.
      as_pg bash -c "cat > '$DATA/postgresql.conf'" <<CONF
port = ${PORT}
listen_addresses = '127.0.0.1'
unix_socket_directories = '${DATA}'
hot_standby = on
# A hot standby needs at least the primary's limits; read them from it.
max_connections = ${MAX_CONNECTIONS}
shared_buffers = 64MB
CONF
      as_pg bash -c "printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' > '$DATA/pg_hba.conf'"
      as_pg "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 start >/dev/null
    fi
    psql -h 127.0.0.1 -p "$PORT" -U postgres -Atc "SELECT 'replica in recovery: ' || pg_is_in_recovery()"
    echo "DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:${PORT}/<the primary's database name>"
    ;;
  stop)
    if [ -d "$DATA" ]; then
      as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true
      rm -rf "$DATA"
    fi
    echo "replica on port ${PORT} stopped"
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
