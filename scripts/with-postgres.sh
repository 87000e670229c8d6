#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL 15 server.
#
#   scripts/with-postgres.sh COMMAND [ARGS...]
#
# Starts a private server (initdb into a temporary directory, a free port on 127.0.0.1 only, fsync off: the data
# is thrown away), creates the database, exports DATABASE_URL=postgres://postgres@127.0.0.1:PORT/gaoxin, runs the
# command, then stops the server and deletes its directory whatever happens (trap). Exits with the command's status.
# As root, the server runs as the `postgres` user (initdb refuses root); as anyone else, as that user.
#
# Environment: PGBIN (default /usr/lib/postgresql/15/bin), PG_DATABASE (default gaoxin),
# PG_KEEP_LOG=1 prints the server log on exit (for debugging a failed run).
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PG_DATABASE=${PG_DATABASE:-gaoxin}

if [ "$#" -eq 0 ]; then
	echo "用法：scripts/with-postgres.sh 命令 [参数...]" >&2
	exit 64
fi
if [ ! -x "$PGBIN/initdb" ]; then
	echo "找不到 PostgreSQL 程序：$PGBIN/initdb（可用 PGBIN 指定目录）" >&2
	exit 69
fi

if [ "$(id -u)" -eq 0 ]; then
	as_pg() { runuser -u postgres -- "$@"; }
else
	as_pg() { "$@"; }
fi

PGDATA=$(mktemp -d "${TMPDIR:-/tmp}/gaoxin-pg.XXXXXX")
if [ "$(id -u)" -eq 0 ]; then
	chown postgres: "$PGDATA"
fi
started=0

cleanup() {
	local status=$?
	if [ "$started" -eq 1 ]; then
		as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
	fi
	if [ "${PG_KEEP_LOG:-0}" = "1" ] && [ -f "$PGDATA/log" ]; then
		cat "$PGDATA/log" >&2
	fi
	rm -rf "$PGDATA"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
	# Ask the kernel for a free port; another process may still take it before the server does, hence the retries.
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null

PORT=""
for _attempt in 1 2 3 4 5; do
	PORT=$(free_port)
	if as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/log" -w -t 30 \
		-o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGDATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
		start >/dev/null; then
		started=1
		break
	fi
done
if [ "$started" -ne 1 ]; then
	echo "PostgreSQL 启动失败，日志如下：" >&2
	cat "$PGDATA/log" >&2 || true
	exit 70
fi

"$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$PG_DATABASE"
export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/$PG_DATABASE"

set +e
"$@"
status=$?
set -e
exit "$status"
