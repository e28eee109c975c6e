#!/bin/sh
# Entry point of both images. prometheus_client's multiprocess mode sums every file in
# PROMETHEUS_MULTIPROC_DIR, so files left by the previous run of this container (a restart
# keeps an emptyDir) would be counted again: empty the folder, then become the command.
set -eu
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
    rm -rf "${PROMETHEUS_MULTIPROC_DIR:?}"
    mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
fi
exec "$@"
