#!/usr/bin/env bash
# Starts the local PostgreSQL cluster if it is down, makes sure a role for
# the current OS user exists (peer authentication over the Unix socket, so
# no password anywhere), drops databases left over by earlier test runs,
# and prints the admin URL the tests create their throwaway databases from.
set -euo pipefail
cluster=$(pg_lsclusters -h | awk 'NR==1{print $1" "$2}')
if [ -z "$cluster" ]; then
  echo "no PostgreSQL cluster found" >&2
  exit 1
fi
set -- $cluster
if ! pg_lsclusters -h | awk 'NR==1{print $4}' | grep -q online; then
  pg_ctlcluster --skip-systemctl-redirect "$1" "$2" start >&2
fi
me=$(id -un)
for i in $(seq 1 30); do
  su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -qtAc \"select 1 from pg_roles where rolname='$me'\"" | grep -q 1 ||
  su postgres -c "psql -qc 'create role \"$me\" login superuser'" >&2
for db in $(su postgres -c "psql -qtAc \"select datname from pg_database where datname like 'pactline_test_%'\""); do
  su postgres -c "psql -qc 'drop database if exists \"$db\" with (force)'" >&2
done
echo "postgres://$me@localhost/postgres?host=/var/run/postgresql"
