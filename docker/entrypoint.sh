#!/bin/sh
# Entry point of every Lumen image.
#   service       (default) runs the app named by LUMEN_SERVICE
#   migrate       database roles, schemas and migrations, signing keys, topics (one-shot)
#   init-secrets  creates the one-machine secrets docker-compose.yml needs, if missing (one-shot)
#   <command>     runs it as given
#
# A secret may come from a file instead of the environment: <NAME>_FILE=/path sets <NAME> to
# the file's content (Docker and Kubernetes secrets are files). Only the names below: several
# configuration variables already end in _FILE and name key files the service reads itself.
set -eu

for name in LUMEN_MASTER_KEY CHECKOUT_INDEX_SECRET DATABASE_URL CARRIER_SIMULATOR_CONTROL_TOKEN; do
  file_var="${name}_FILE"
  eval "file=\${${file_var}:-}"
  if [ -n "$file" ]; then
    eval "already=\${${name}:-}"
    if [ -n "$already" ]; then
      echo "entrypoint: both ${name} and ${file_var} are set; set one" >&2
      exit 64
    fi
    if [ ! -r "$file" ]; then
      echo "entrypoint: ${file_var} names ${file}, which cannot be read" >&2
      exit 66
    fi
    value=$(cat "$file")
    export "$name=$value"
    unset "$file_var"
  fi
done

NODE="node --disable-warning=TimeoutNegativeWarning --enable-source-maps"

case "${1:-service}" in
  service)
    exec $NODE "/app/dist/apps/${LUMEN_SERVICE}/src/main.js"
    ;;
  migrate)
    exec $NODE /app/dist/scripts/deploy/migrate.js
    ;;
  init-secrets)
    exec $NODE /app/dist/scripts/deploy/init-secrets.js
    ;;
  *)
    exec "$@"
    ;;
esac
