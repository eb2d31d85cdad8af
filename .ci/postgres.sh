# Sourced by .ci/run (not executed): gives the test run a real PostgreSQL in DATABASE_URL.
#   source .ci/postgres.sh
# Does nothing when DATABASE_URL is already set. Otherwise installs PostgreSQL with apt-get if no initdb is
# present, starts a throwaway cluster as the postgres user (initdb refuses root) on a free loopback port,
# exports DATABASE_URL and stops the cluster on exit (chaining any EXIT trap already set).

if [ -n "${DATABASE_URL:-}" ]; then
  echo "postgres.sh: DATABASE_URL already set, using it"
else
  __pg_bin=""
  for __d in /usr/lib/postgresql/*/bin; do
    if [ -x "$__d/initdb" ]; then __pg_bin="$__d"; fi
  done
  if [ -z "$__pg_bin" ]; then
    echo "postgres.sh: installing postgresql with apt-get"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    for __d in /usr/lib/postgresql/*/bin; do
      if [ -x "$__d/initdb" ]; then __pg_bin="$__d"; fi
    done
  fi
  if [ -z "$__pg_bin" ]; then
    echo "postgres.sh: no initdb after install" >&2
    return 1 2>/dev/null || exit 1
  fi

  __pg_port="${PG_PORT:-55432}"
  # Walk up from the preferred port to the first one nobody listens on.
  while (exec 3<>"/dev/tcp/127.0.0.1/$__pg_port") 2>/dev/null; do __pg_port=$((__pg_port + 1)); done

  __pg_dir="$(mktemp -d /tmp/ci-postgres.XXXXXX)"
  chown postgres:postgres "$__pg_dir"
  __pg_as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

  if __pg_as "$__pg_bin/initdb" -D "$__pg_dir/data" -A trust -U postgres >"$__pg_dir/initdb.log" 2>&1 &&
    __pg_as "$__pg_bin/pg_ctl" -D "$__pg_dir/data" -l "$__pg_dir/log" -w \
      -o "-p $__pg_port -k $__pg_dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null; then
    export DATABASE_URL="postgres://postgres@127.0.0.1:$__pg_port/postgres"
    export CI_POSTGRES_DIR="$__pg_dir"
    echo "postgres.sh: PostgreSQL ($__pg_bin) on 127.0.0.1:$__pg_port"
    __pg_prev_trap="$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")"
    # shellcheck disable=SC2064
    trap "runuser -u postgres -- '$__pg_bin/pg_ctl' -D '$__pg_dir/data' -m fast stop >/dev/null 2>&1 || '$__pg_bin/pg_ctl' -D '$__pg_dir/data' -m fast stop >/dev/null 2>&1; rm -rf '$__pg_dir'; ${__pg_prev_trap}" EXIT
  else
    echo "postgres.sh: failed to start PostgreSQL; logs:" >&2
    cat "$__pg_dir/initdb.log" "$__pg_dir/log" >&2 2>/dev/null
    return 1 2>/dev/null || exit 1
  fi
  unset __d
fi
