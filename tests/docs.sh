#!/usr/bin/env bash
# docs.sh VIOSIM SRC_DIR: docs/parameters.md is what the parameter tables say (scripts/gen-docs).
set -u
if diff <("$1" config --help) <(sed -n '/^```$/,/^```$/p' "$2/docs/parameters.md" | sed '1d;$d') > /dev/null; then
  echo "1 passed, 0 failed"
else
  echo "docs/parameters.md is stale: run scripts/gen-docs" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
