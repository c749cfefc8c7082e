#!/bin/sh
# One-shot job in temporalio/admin-tools: waits for the Temporal server, creates the app's
# namespace if missing and registers the app's search attributes. Safe to rerun.
# Reads TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE from the environment.
set -eu

address="${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS must be set}"
namespace="${TEMPORAL_NAMESPACE:-default}"

# retry DESCRIPTION COMMAND...: runs COMMAND every 2 s until it succeeds, for up to 2 minutes.
retry() {
  description="$1"
  shift
  attempt=1
  until "$@"; do
    if [ "$attempt" -ge 60 ]; then
      echo "Gave up waiting for $description" >&2
      exit 1
    fi
    attempt=$((attempt + 1))
    sleep 2
  done
}

server_is_healthy() {
  temporal operator cluster health --address "$address" >/dev/null 2>&1
}

# Operators filter workflows by these in the Web UI and in batch signals (docs/ARCHITECTURE.md).
# The CLI skips attributes that already exist with the same type.
register_search_attributes() {
  temporal operator search-attribute create --address "$address" --namespace "$namespace" \
    --name TenantId --type Keyword \
    --name MeetingStatus --type Keyword \
    --name CrmSyncStatus --type Keyword \
    --name CrmProvider --type Keyword
}

retry "Temporal at $address to be healthy" server_is_healthy

if temporal operator namespace describe --address "$address" --namespace "$namespace" >/dev/null 2>&1; then
  echo "Namespace $namespace exists"
else
  temporal operator namespace create --address "$address" --namespace "$namespace"
fi

# Each Temporal service caches the search attributes and reads them again every 60 s (the server's
# cacheRefreshInterval); until then a start or upsert naming a new one is refused. So when this run
# registers any, the app waits out one refresh before it starts; on a rerun nothing is waited.
all_search_attributes_registered() {
  registered=$(temporal operator search-attribute list --address "$address" --namespace "$namespace" 2>/dev/null) || return 1
  for name in TenantId MeetingStatus CrmSyncStatus CrmProvider; do
    printf '%s\n' "$registered" | grep -qw "$name" || return 1
  done
}

if all_search_attributes_registered; then
  echo "Search attributes already registered in $namespace"
else
  # A new namespace takes a few seconds to reach every server cache.
  retry "search attributes to be registered in $namespace" register_search_attributes
  echo "Waiting 65 s for every Temporal service to refresh its search-attribute cache"
  sleep 65
fi
echo "Namespace $namespace is ready"
