#!/bin/bash
# Initialise a MariaDB data directory the way the official mysql image does,
# then run the server as the mysql user.
#
# Reads MYSQL_ROOT_PASSWORD, MYSQL_ALLOW_EMPTY_PASSWORD,
# MYSQL_RANDOM_ROOT_PASSWORD, MYSQL_ROOT_HOST, MYSQL_DATABASE, MYSQL_USER and
# MYSQL_PASSWORD. Each password may instead come from a file named by the
# same variable with a _FILE suffix (a Compose secret). On the first start
# the scripts in /docker-entrypoint-initdb.d run: *.sh files are sourced,
# *.sql and *.sql.gz files are fed to the server as root.
set -o errexit -o nounset -o pipefail

DATADIR=/var/lib/mysql
SOCKET=/run/mysqld/mysqld.sock

log() {
    echo "[entrypoint] $*" >&2
}

# Set VAR from VAR_FILE when the file variant is given; both at once is an error.
file_env() {
    local var="$1" file_var="${1}_FILE"
    if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then
        log "error: both $var and $file_var are set; set only one of them"
        exit 1
    fi
    if [ -n "${!file_var:-}" ]; then
        if [ ! -r "${!file_var}" ]; then
            log "error: $file_var names ${!file_var}, which is missing or unreadable"
            exit 1
        fi
        export "$var"="$(< "${!file_var}")"
        unset "$file_var"
    fi
}

# Quote a value as an SQL string literal.
sql_string() {
    local value="${1//\\/\\\\}"
    printf "'%s'" "${value//\'/\\\'}"
}

run_sql() {
    mariadb --protocol=socket --socket="$SOCKET" --user=root "$@"
}

start_temporary_server() {
    # No networking: clients cannot reach the server until it is set up,
    # which is what a TCP healthcheck relies on.
    setpriv --reuid=mysql --regid=mysql --init-groups \
        mariadbd --skip-networking --socket="$SOCKET" &
    local attempt
    for attempt in $(seq 60); do
        if mariadb-admin --socket="$SOCKET" ping --silent > /dev/null 2>&1; then
            return
        fi
        sleep 1
    done
    log "error: the temporary server did not start within 60 seconds"
    exit 1
}

stop_temporary_server() {
    mariadb-admin --socket="$SOCKET" --user=root shutdown
    wait
}

initialise() {
    file_env MYSQL_ROOT_PASSWORD
    file_env MYSQL_PASSWORD

    if [ -z "${MYSQL_ROOT_PASSWORD:-}" ] && [ -z "${MYSQL_ALLOW_EMPTY_PASSWORD:-}" ] \
        && [ -z "${MYSQL_RANDOM_ROOT_PASSWORD:-}" ]; then
        log "error: the database is uninitialized and no root password option is set"
        log "set one of MYSQL_ROOT_PASSWORD, MYSQL_ALLOW_EMPTY_PASSWORD or MYSQL_RANDOM_ROOT_PASSWORD"
        exit 1
    fi
    if [ -n "${MYSQL_RANDOM_ROOT_PASSWORD:-}" ]; then
        MYSQL_ROOT_PASSWORD="$(head -c 24 /dev/urandom | base64)"
        log "generated root password: $MYSQL_ROOT_PASSWORD"
    fi

    log "initialising the data directory"
    mariadb-install-db --user=mysql --datadir="$DATADIR" \
        --auth-root-authentication-method=normal --skip-test-db > /dev/null
    start_temporary_server

    local root_host="${MYSQL_ROOT_HOST:-%}"
    local root_password
    root_password="$(sql_string "${MYSQL_ROOT_PASSWORD:-}")"
    {
        echo "SET @@SESSION.SQL_LOG_BIN=0;"
        echo "DELETE FROM mysql.global_priv WHERE user NOT IN ('mysql.sys', 'mariadb.sys', 'mysql', 'root') OR host NOT IN ('localhost');"
        echo "FLUSH PRIVILEGES;"
        echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $root_password;"
        if [ "$root_host" != "localhost" ]; then
            echo "CREATE USER 'root'@$(sql_string "$root_host") IDENTIFIED BY $root_password;"
            echo "GRANT ALL ON *.* TO 'root'@$(sql_string "$root_host") WITH GRANT OPTION;"
        fi
        if [ -n "${MYSQL_DATABASE:-}" ]; then
            echo "CREATE DATABASE IF NOT EXISTS \`$MYSQL_DATABASE\`;"
        fi
        if [ -n "${MYSQL_USER:-}" ] && [ -n "${MYSQL_PASSWORD:-}" ]; then
            echo "CREATE USER $(sql_string "$MYSQL_USER")@'%' IDENTIFIED BY $(sql_string "$MYSQL_PASSWORD");"
            if [ -n "${MYSQL_DATABASE:-}" ]; then
                echo "GRANT ALL ON \`$MYSQL_DATABASE\`.* TO $(sql_string "$MYSQL_USER")@'%';"
            fi
        fi
        echo "FLUSH PRIVILEGES;"
    } | run_sql

    # From here on root has a password; the client reads it from MYSQL_PWD
    # so that it never appears in a process listing.
    export MYSQL_PWD="${MYSQL_ROOT_PASSWORD:-}"
    local script
    for script in /docker-entrypoint-initdb.d/*; do
        case "$script" in
            *.sh) log "running $script"; . "$script" ;;
            *.sql) log "running $script"; run_sql ${MYSQL_DATABASE:+"$MYSQL_DATABASE"} < "$script" ;;
            *.sql.gz) log "running $script"; gunzip -c "$script" | run_sql ${MYSQL_DATABASE:+"$MYSQL_DATABASE"} ;;
            *) if [ -e "$script" ]; then log "ignoring $script"; fi ;;
        esac
    done

    stop_temporary_server
    unset MYSQL_PWD
    log "initialisation finished; starting the server"
}

# Arguments that start with a dash are server options.
if [ "${1:0:1}" = "-" ]; then
    set -- mariadbd "$@"
fi

if [ "$1" = "mariadbd" ] || [ "$1" = "mysqld" ]; then
    shift
    set -- mariadbd "$@"
    mkdir -p /run/mysqld
    chown mysql:mysql "$DATADIR" /run/mysqld
    if [ ! -d "$DATADIR/mysql" ]; then
        initialise
    fi
    exec setpriv --reuid=mysql --regid=mysql --init-groups "$@"
fi

exec "$@"
