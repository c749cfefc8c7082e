#!/bin/sh
# One-shot job in temporalio/admin-tools: creates Temporal's two databases on the shared
# PostgreSQL and brings their schemas up to date. Safe to rerun: `create` ignores an existing
# database, `setup-schema -v 0.0` keeps a newer version, `update-schema` applies only what is missing.
# Reads SQL_PLUGIN, SQL_HOST, SQL_PORT, SQL_USER and SQL_PASSWORD from the environment.
set -eu

setup_database() { # $1: database, $2: folder of its versioned schema
  echo "Setting up database $1"
  temporal-sql-tool --db "$1" create
  temporal-sql-tool --db "$1" setup-schema -v 0.0
  temporal-sql-tool --db "$1" update-schema -d "$2"
}

setup_database temporal /etc/temporal/schema/postgresql/v12/temporal/versioned
setup_database temporal_visibility /etc/temporal/schema/postgresql/v12/visibility/versioned
echo "Temporal schemas are up to date"
