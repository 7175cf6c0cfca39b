#!/usr/bin/env bash
# Regenerates the Swift of Spark Connect's trimmed protocol (Sources/TenureSparkConnect/Proto/*.proto)
# into Sources/TenureSparkConnect/Generated. Run by hand after editing a .proto; the output is
# committed, so neither the build nor CI needs protoc or the plugins.
#
#   scripts/spark/generate-proto.sh [PLUGIN_DIR]
#
# Needs Debian's `protobuf-compiler` (protoc) and the two plugins, built once from the package
# mirror (swift-protobuf 1.39.0 and grpc-swift-protobuf 2.4.1, the versions Package.swift uses):
#   git clone /opt/swift-packages/grpc/grpc-swift-protobuf.git /tmp/gsp && cd /tmp/gsp && git checkout 2.4.1
#   swift build -c release --product protoc-gen-grpc-swift-2 && swift build -c release --product protoc-gen-swift
# PLUGIN_DIR (default /tmp/gsp/.build/release) holds protoc-gen-swift and protoc-gen-grpc-swift-2.
set -euo pipefail
cd "$(dirname "$0")/../.."
PLUGINS=${1:-/tmp/gsp/.build/release}
SRC=Sources/TenureSparkConnect/Proto
OUT=Sources/TenureSparkConnect/Generated
command -v protoc >/dev/null || { echo "generate-proto: protoc not found (apt-get install protobuf-compiler)" >&2; exit 1; }
for p in protoc-gen-swift protoc-gen-grpc-swift-2; do
  [ -x "$PLUGINS/$p" ] || { echo "generate-proto: $PLUGINS/$p not found (see the comment at the top of this script)" >&2; exit 1; }
done
rm -rf "$OUT"; mkdir -p "$OUT"
# Internal visibility: the generated types are the module's own business; the client wraps them.
protoc --proto_path="$SRC" \
  --plugin=protoc-gen-swift="$PLUGINS/protoc-gen-swift" --swift_out="$OUT" --swift_opt=Visibility=Internal \
  --plugin=protoc-gen-grpc-swift="$PLUGINS/protoc-gen-grpc-swift-2" --grpc-swift_out="$OUT" \
  --grpc-swift_opt=Visibility=Internal,Server=false,Client=true \
  "$SRC"/spark_connect.proto
echo "generate-proto: wrote $(ls "$OUT" | tr '\n' ' ')"
