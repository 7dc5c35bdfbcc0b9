#!/usr/bin/env bash
# Builds sample-stacks/imported-saas.toml from the vendor's papers, as a reviewer would:
# the hand-written skeleton, then the OSCAL pair, then the CAIQ workbook, each with --into.
# Run from anywhere: bash sample-stacks/imported/build.sh [STACKGAP]  (default: cargo run).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
stackgap=${1:-}
if [ -z "$stackgap" ]; then
  cargo build --quiet --manifest-path "$root/Cargo.toml"
  stackgap="$root/target/debug/stackgap"
fi
out="$root/sample-stacks/imported-saas.toml"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/skeleton.toml" "$work/imported-saas.toml"
oscal="$root/tests/fixtures/oscal-ssp"
cp "$oscal/oscal_leveraging-example_ssp.json" "$oscal/oscal_leveraged-example_ssp.json" \
  "$here/ledgerly-caiq-v4.xlsx" "$work/"
cd "$work"
"$stackgap" import oscal-ssp oscal_leveraging-example_ssp.json \
  oscal_leveraged-example_ssp.json --into imported-saas.toml
"$stackgap" import matrix ledgerly-caiq-v4.xlsx --consumer northwind-bank \
  --provider saas_system_iaas_customer --service "Core banking" --assumed provider \
  --evidence ledgerly-soc2-2026 --into imported-saas.toml
cp imported-saas.toml "$out"
echo "wrote $out"
