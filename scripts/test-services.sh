# Sourced by `make test` and `make bench`: make sure the real services the tests use exist and
# run (PostgreSQL 15, Debian's Chromium), then export where to find them.
# Installs with apt-get only when running as root and the package is missing.

_rp_log() { echo "test-services: $*" >&2; }

_rp_apt() {
  if [ "$(id -u)" != 0 ]; then _rp_log "not root: cannot install $*"; return 1; fi
  if [ -z "${_RP_APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
    _RP_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
}

# --- PostgreSQL -------------------------------------------------------------------------------
if [ -z "${REPURPOSE_TEST_PG:-}" ]; then
  if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    _rp_log "installing postgresql"; _rp_apt postgresql || true
  fi
  if command -v pg_lsclusters >/dev/null 2>&1; then
    _rp_cluster=$(pg_lsclusters -h 2>/dev/null | head -n1)
    if [ -z "$_rp_cluster" ] && [ "$(id -u)" = 0 ]; then
      _rp_ver=$(ls /usr/lib/postgresql | sort -V | tail -n1)
      pg_createcluster "$_rp_ver" main >/dev/null 2>&1 || true
      _rp_cluster=$(pg_lsclusters -h 2>/dev/null | head -n1)
    fi
    if [ -n "$_rp_cluster" ]; then
      set -- $_rp_cluster
      _rp_ver=$1 _rp_name=$2 _rp_port=$3 _rp_status=$4
      if [ "$_rp_status" != online ]; then
        pg_ctlcluster "$_rp_ver" "$_rp_name" start >/dev/null 2>&1 || _rp_log "could not start PostgreSQL $_rp_ver/$_rp_name"
      fi
      if [ "$(id -u)" = 0 ]; then
        su postgres -c "psql -p $_rp_port -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='repurpose'\"" 2>/dev/null | grep -q 1 \
          || su postgres -c "psql -p $_rp_port -qc \"CREATE ROLE repurpose LOGIN PASSWORD 'repurpose' CREATEDB\"" >/dev/null 2>&1
        su postgres -c "psql -p $_rp_port -qtAc \"SELECT 1 FROM pg_database WHERE datname='repurpose_test'\"" 2>/dev/null | grep -q 1 \
          || su postgres -c "createdb -p $_rp_port -O repurpose repurpose_test" >/dev/null 2>&1
      fi
      export REPURPOSE_TEST_PG="postgresql+psycopg://repurpose:repurpose@127.0.0.1:$_rp_port/repurpose_test"
    fi
  fi
fi
[ -n "${REPURPOSE_TEST_PG:-}" ] || _rp_log "no PostgreSQL: PostgreSQL tests will be skipped (they fail under CI=true)"

# --- Chromium -----------------------------------------------------------------------------------
if [ -z "${REPURPOSE_CHROMIUM:-}" ]; then
  if ! command -v chromium >/dev/null 2>&1; then
    _rp_log "installing chromium"; _rp_apt chromium fonts-dejavu-core || true
  fi
  if command -v chromium >/dev/null 2>&1; then
    export REPURPOSE_CHROMIUM="$(command -v chromium)"
  else
    _rp_log "no Chromium: browser tests will be skipped (they fail under CI=true)"
  fi
fi
