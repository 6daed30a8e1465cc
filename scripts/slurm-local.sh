#!/usr/bin/env bash
# A real one-node Slurm cluster on this machine, for testing the submitit launcher path.
#
#   scripts/slurm-local.sh start    install (Debian packages, needs root) and start munge, MariaDB,
#                                   slurmdbd, slurmctld and slurmd; wait until `sinfo` shows the node idle
#   scripts/slurm-local.sh stop     stop every daemon this script started, by its PID
#   scripts/slurm-local.sh status   sinfo + the daemons' PIDs
#
# No systemd is assumed: every daemon runs in the foreground (-D/-F), in the background of this
# script, and its PID is written to $STATE/pids. State (spool, logs, database files) is fresh on
# every start, so job ids and accounting never mix with an earlier cluster's
# (../shared/SLURM-NOTES.md: a kept database with wiped state shows stale jobs).
# Accounting (slurmdbd + MariaDB) is not optional: without it `sacct` fails and submitit never
# notices a job killed by `scancel`, so a sweep would hang.
set -euo pipefail

STATE=${CASEFLOW_SLURM_DIR:-/tmp/caseflow-slurm}
CLUSTER=caseflow
PIDS=$STATE/pids
log() { echo "slurm-local: $*" >&2; }

wait_for() {  # wait_for <seconds> <description> <command...>: poll, never a blind sleep
    local limit=$1 what=$2; shift 2
    local start=$SECONDS
    until "$@" >/dev/null 2>&1; do
        if ! kill -0 "$LAST_PID" 2>/dev/null; then
            log "$what: the daemon ($LAST_PID) exited; logs in $STATE/log"
            tail -n 20 "$STATE"/log/*.log >&2 || true
            return 1
        fi
        if (( SECONDS - start > limit )); then
            log "gave up waiting for $what after ${limit}s; logs in $STATE/log"
            tail -n 20 "$STATE"/log/*.log >&2 || true
            return 1
        fi
        sleep 0.2
    done
}

install_packages() {
    local missing=()
    for cmd in slurmctld slurmd slurmdbd sbatch sacct munged mariadbd; do
        command -v "$cmd" >/dev/null || missing+=("$cmd")
    done
    ((${#missing[@]} == 0)) && return 0
    if [[ $(id -u) != 0 ]]; then
        log "missing ${missing[*]}; installing Slurm needs root (apt-get)"; exit 3
    fi
    log "installing slurm-wlm, slurmdbd, munge, mariadb-server (missing: ${missing[*]})"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq slurm-wlm slurmdbd slurm-client munge mariadb-server >/dev/null
}

start_daemon() {  # start_daemon <name> <command...>: run in the background, record its PID
    local name=$1; shift
    setsid "$@" >"$STATE/log/$name.log" 2>&1 < /dev/null &
    LAST_PID=$!
    echo "$name $LAST_PID" >> "$PIDS"
}

node_idle() { [[ "$(sinfo -h -N -o %t 2>/dev/null)" == idle ]]; }

write_configs() {
    local node; node=$(slurmd -C | head -n 1)
    local host; host=$(hostname -s)
    mkdir -p /etc/slurm
    cat > /etc/slurm/slurm.conf <<EOF
# Written by scripts/slurm-local.sh: a one-node test cluster without cgroups.
ClusterName=$CLUSTER
SlurmctldHost=$host
SlurmUser=slurm
AuthType=auth/munge
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
MailProg=/bin/true
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=$host
JobCompType=jobcomp/none
MinJobAge=300
KillWait=5
$node State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
    cat > /etc/slurm/slurmdbd.conf <<EOF
# Written by scripts/slurm-local.sh
AuthType=auth/munge
DbdHost=$host
SlurmUser=slurm
PidFile=$STATE/slurmdbd.pid
LogFile=$STATE/log/slurmdbd.log
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=3306
StorageUser=slurm
StoragePass=caseflow
StorageLoc=slurm_acct_db
EOF
    chown slurm:slurm /etc/slurm/slurmdbd.conf
    chmod 600 /etc/slurm/slurmdbd.conf
}

start() {
    if [[ -f $PIDS ]] && node_idle; then log "already running (sinfo: idle)"; return 0; fi
    [[ -f $PIDS ]] && stop
    install_packages
    rm -rf "$STATE"; mkdir -p "$STATE"/{ctld,d,log,mysql,run}
    chown -R slurm:slurm "$STATE"/ctld "$STATE"/log
    chmod 755 "$STATE"
    : > "$PIDS"
    write_configs

    # munge: as the munge user, its own PID (setpriv, not runuser: SLURM-NOTES.md)
    [[ -f /etc/munge/munge.key ]] || { mungekey -c -k /etc/munge/munge.key; chown munge:munge /etc/munge/munge.key; }
    mkdir -p /run/munge && chown munge:munge /run/munge
    start_daemon munged setpriv --reuid=munge --regid=munge --init-groups munged -F
    wait_for 20 munge bash -c 'munge -n | unmunge'

    # MariaDB with its own fresh data directory, on loopback only
    chown mysql:mysql "$STATE"/mysql "$STATE"/run
    mariadb-install-db --user=mysql --datadir="$STATE/mysql" --auth-root-authentication-method=socket \
        > "$STATE/log/mariadb-install.log" 2>&1
    start_daemon mariadbd mariadbd --user=mysql --datadir="$STATE/mysql" --socket="$STATE/run/mysqld.sock" \
        --bind-address=127.0.0.1 --port=3306 --pid-file="$STATE/run/mysqld.pid"
    wait_for 60 MariaDB mariadb-admin --socket="$STATE/run/mysqld.sock" ping
    mariadb --socket="$STATE/run/mysqld.sock" <<EOF
CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY 'caseflow';
CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY 'caseflow';
CREATE DATABASE IF NOT EXISTS slurm_acct_db;
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
EOF

    start_daemon slurmdbd slurmdbd -D
    wait_for 60 slurmdbd sacctmgr -n show cluster
    sacctmgr -i add cluster "$CLUSTER" >/dev/null
    start_daemon slurmctld slurmctld -D -i
    wait_for 60 slurmctld scontrol ping
    start_daemon slurmd slurmd -D
    wait_for 60 "node idle" node_idle
    log "ready: $(sinfo -h -N -o '%N %t %c CPUs')"
}

stop() {
    [[ -f $PIDS ]] || { log "nothing to stop ($PIDS not found)"; return 0; }
    local name pid
    # jobs first: a job step outlives slurmd, and submitit's jobs ignore SIGTERM
    if scontrol ping >/dev/null 2>&1 && [[ -n "$(squeue -h -o %i 2>/dev/null)" ]]; then
        squeue -h -o %i | xargs -r scancel --signal=KILL --full 2>/dev/null || true
        squeue -h -o %i | xargs -r scancel 2>/dev/null || true
        local start=$SECONDS
        while [[ -n "$(squeue -h -o %i 2>/dev/null)" ]] && (( SECONDS - start < 30 )); do sleep 0.2; done
        log "cancelled the remaining jobs"
    fi
    # reverse order: compute node first, database last
    tac "$PIDS" | while read -r name pid; do
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -9 "$pid" 2>/dev/null || true
            log "stopped $name ($pid)"
        fi
    done
    rm -f "$PIDS"
}

status() {
    [[ -f $PIDS ]] && cat "$PIDS"
    sinfo -N 2>/dev/null || log "sinfo: no controller"
}

case ${1:-} in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
