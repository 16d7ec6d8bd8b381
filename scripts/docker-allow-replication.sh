#!/usr/bin/env bash
# docker-compose.scale.yml: on the primary's first start, let the replica connect for replication.
set -e
echo "host replication ${POSTGRES_USER} all scram-sha-256" >> "$PGDATA/pg_hba.conf"
