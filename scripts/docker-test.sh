#!/usr/bin/env bash
# Build the container image, run it, and ask it a seed claim over HTTP (`make docker-test`).
#
# Made for machines that reach package registries but no image registry:
#  - no Docker engine: installs Debian's docker.io and starts dockerd for the length of the run;
#  - BASE_IMAGE (default python:3.12-slim) not present locally: makes a Debian bookworm base
#    with debootstrap and `docker import`, cached as a tarball so reruns skip it;
#  - builds a wheelhouse on the host for the base image's Python and builds with no network.
# Only when dockerd cannot start here does this print SKIPPED and exit 0; any failure to build
# or run the image fails.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-fact-provenance:test}
# Extras to build in (EXTRAS=semantic: the image then runs with PROVENANCE_SEMANTIC=on).
EXTRAS=${EXTRAS:-}
BASE_IMAGE=${BASE_IMAGE:-python:3.12-slim}
LOCAL_BASE=provenance-base:bookworm
CACHE=${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/fact-provenance
CLAIM='Peskov said the annexed regions are non-negotiable'
SOURCE='The Moscow Times'
WORK=var/docker-test
mkdir -p "$WORK" "$CACHE"

log() { printf 'docker-test: %s\n' "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

skip() {
    local bar='!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!'
    printf '\n%s\n' "$bar" >&2
    log "SKIPPED: $* -- the container was NOT built or tested on this machine."
    printf '%s\n\n' "$bar" >&2
    exit 0
}

apt_install() {
    log "installing $* from Debian"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null
}

DOCKERD_PID=
CONTAINER=
cleanup() {
    if [[ -n $CONTAINER ]]; then docker rm --force --volumes "$CONTAINER" >/dev/null || true; fi
    if [[ -n $DOCKERD_PID ]]; then
        kill "$DOCKERD_PID" 2>/dev/null || true
        for _ in $(seq 30); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 1; done
    fi
}
trap cleanup EXIT

# Only the Docker engine's own failure to start may skip the test; everything after it must pass.
ensure_dockerd() {
    if docker info >/dev/null 2>&1; then return; fi
    [[ $(id -u) == 0 ]] || skip "no Docker engine is running, and starting one needs root"
    if ! command -v dockerd >/dev/null; then
        command -v apt-get >/dev/null || skip "no dockerd, and no apt-get to install docker.io"
        apt_install docker.io
    fi
    # No bridge and no iptables: the host's firewall and addresses stay as they were; the build
    # needs no network (wheelhouse) and the container shares the host's loopback.
    log "starting dockerd (log: $WORK/dockerd.log)"
    dockerd --bridge=none --iptables=false --ip-forward=false --ip-masq=false \
        >"$WORK/dockerd.log" 2>&1 &
    DOCKERD_PID=$!
    for _ in $(seq 60); do
        if docker info >/dev/null 2>&1; then return; fi
        kill -0 "$DOCKERD_PID" 2>/dev/null || break
        sleep 1
    done
    tail -n 20 "$WORK/dockerd.log" >&2 || true
    skip "dockerd could not start on this machine (see its log above)"
}

# The Debian mirror this host's apt already uses: the one package source known to be reachable.
debian_mirror() {
    local mirror
    mirror=$(apt-cache policy 2>/dev/null |
        awk '!found && $3 ~ /^bookworm\// && $2 ~ /^https?:/ { print $2; found = 1 }') || true
    echo "${mirror:-http://deb.debian.org/debian}"
}

make_local_base() {
    local tarball=$CACHE/bookworm-minbase-python3.tar
    if [[ ! -s $tarball ]]; then
        command -v debootstrap >/dev/null || apt_install debootstrap
        local rootfs mirror
        rootfs=$(mktemp -d /tmp/provenance-rootfs.XXXXXX)
        mirror=$(debian_mirror)
        log "making $LOCAL_BASE with debootstrap from $mirror (a few minutes, once)"
        debootstrap --variant=minbase --include=python3,python3-venv,python3-pip,ca-certificates \
            bookworm "$rootfs" "$mirror" >"$WORK/debootstrap.log" 2>&1 ||
            { tail -n 20 "$WORK/debootstrap.log" >&2; rm -rf "$rootfs"; die "debootstrap failed"; }
        rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
            "$rootfs"/usr/share/doc "$rootfs"/usr/share/man "$rootfs"/usr/share/locale
        tar -C "$rootfs" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
        rm -rf "$rootfs"
    fi
    docker import "$tarball" "$LOCAL_BASE" >/dev/null
}

# Base image for the build: BASE_IMAGE when present locally, else the local bookworm base.
choose_base() {
    if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then echo "$BASE_IMAGE"; return; fi
    log "$BASE_IMAGE is not available locally; using $LOCAL_BASE"
    docker image inspect "$LOCAL_BASE" >/dev/null 2>&1 || make_local_base
    echo "$LOCAL_BASE"
}

# wheelhouse/ with the build and runtime requirements, made by the host's Python of the same
# minor version as the base image's, so binary wheels match it. Kept between runs: pip skips
# what is there, and unchanged wheels keep Docker's dependency layer cached.
make_wheelhouse() {
    local base=$1 version python
    version=$(docker run --rm --network none --entrypoint python3 "$base" \
        -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    python=python$version
    command -v "$python" >/dev/null ||
        die "$base has Python $version; the host has no $python to build its wheelhouse"
    if [[ $(cat wheelhouse/.python 2>/dev/null) != "$version" ]]; then rm -rf wheelhouse; fi
    mkdir -p wheelhouse && echo "$version" >wheelhouse/.python
    log "building wheelhouse/ with $python"
    EXTRAS="$EXTRAS" "$python" -c 'import os, tomllib
p = tomllib.load(open("pyproject.toml", "rb"))
extras = [e for e in os.environ["EXTRAS"].split(",") if e]
optional = [r for e in extras for r in p["project"]["optional-dependencies"][e]]
print(*p["build-system"]["requires"], *p["project"]["dependencies"], *optional, sep="\n")' \
        >"$WORK/requirements.txt"
    "$python" -m pip wheel --wheel-dir wheelhouse --requirement "$WORK/requirements.txt" \
        >"$WORK/pip-wheel.log" 2>&1 ||
        { tail -n 20 "$WORK/pip-wheel.log" >&2; die "pip wheel failed (log: $WORK/pip-wheel.log)"; }
}

http_get() {  # URL -> body on stdout; fails on a non-2xx answer or no answer
    python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' "$1"
}

wait_until() {  # SECONDS DESCRIPTION COMMAND...: retry COMMAND once a second until it succeeds
    local limit=$1 what=$2 deadline=$((SECONDS + $1))
    shift 2
    until "$@" >/dev/null 2>&1; do
        [[ $(docker inspect --format '{{.State.Running}}' "$CONTAINER") == true ]] ||
            { docker logs "$CONTAINER" >&2; die "the container stopped while waiting for $what"; }
        ((SECONDS < deadline)) || { docker logs "$CONTAINER" >&2; die "no $what after $limit s"; }
        sleep 1
    done
}

is_healthy() {
    [[ $(docker inspect --format '{{.State.Health.Status}}' "$CONTAINER") == healthy ]]
}

ensure_dockerd
base=$(choose_base)
make_wheelhouse "$base"

log "building $IMAGE from $base with no network"
started=$SECONDS
docker build --network none --build-arg BASE_IMAGE="$base" --build-arg EXTRAS="$EXTRAS" \
    --tag "$IMAGE" . \
    >"$WORK/build.log" 2>&1 ||
    { tail -n 30 "$WORK/build.log" >&2; die "docker build failed (log: $WORK/build.log)"; }
log "built in $((SECONDS - started)) s; size $(docker image ls --format '{{.Size}}' "$IMAGE")"

# Host networking on a free loopback port: the container needs no bridge, and a PORT other than
# the default shows that PORT is honoured.
port=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
semantic=off
[[ ,$EXTRAS, == *,semantic,* ]] && semantic=on
CONTAINER=$(docker run --detach --network host -e HOST=127.0.0.1 -e PORT="$port" \
    -e PROVENANCE_SEMANTIC="$semantic" "$IMAGE")
url=http://127.0.0.1:$port

wait_until 60 "ready service on $url" http_get "$url/readyz"
ready=$(http_get "$url/readyz")
log "ready: $ready"
ranking=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["ranking"])' "$ready")
[[ $semantic == off && $ranking == lexical || $semantic == on && $ranking == semantic ]] ||
    die "PROVENANCE_SEMANTIC=$semantic, but /readyz reports $ranking ranking"

claim=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$CLAIM")
http_get "$url/v1/evidence?claim=$claim" | python3 -c 'import json, sys
sources = [e["article"]["source"] for e in json.load(sys.stdin)["evidence"]]
if sys.argv[1] not in sources:
    sys.exit(f"expected evidence from {sys.argv[1]!r}, got sources {sources}")' "$SOURCE" ||
    die "the seed claim found no evidence from $SOURCE"
log "seed claim answered with evidence from $SOURCE"

uid=$(docker exec "$CONTAINER" id -u)
[[ $uid != 0 ]] || die "the service runs as root"
log "runs as uid $uid"

volume=$(docker inspect --format '{{range .Mounts}}{{.Destination}} {{end}}' "$CONTAINER")
[[ $volume == *"/data/index"* ]] || die "the index is not on a volume (mounts: $volume)"

wait_until 90 "healthy HEALTHCHECK" is_healthy
log "HEALTHCHECK reports healthy"

# SIGTERM stops gunicorn cleanly, and the index on the volume outlives the process: the restart
# finds it full and does not seed again.
docker stop "$CONTAINER" >/dev/null
status=$(docker inspect --format '{{.State.ExitCode}}' "$CONTAINER")
[[ $status == 0 ]] || { docker logs "$CONTAINER" >&2; die "exit status $status after SIGTERM"; }
docker start "$CONTAINER" >/dev/null
wait_until 60 "ready service after a restart" http_get "$url/readyz"
seeded=$(docker logs "$CONTAINER" 2>&1 | grep -c 'seed articles' || true)
[[ $seeded == 1 ]] || die "the seeds were indexed $seeded times over a restart"
log "stopped with status 0 on SIGTERM; restarted on the same index"

log "OK: $IMAGE ($(docker image ls --format '{{.Size}}' "$IMAGE")) built, ran and answered"
