#!/usr/bin/env bash
# Build (once) and install llama-cpp-python, keeping one wheel per set of CPU flags.
# pip's own wheel cache ignores CMAKE_ARGS, so a wheel built for another CPU could be reused
# by mistake; we key our cache on the flags instead (and, for a native build, on the CPU's own
# flags: a home folder moved to another CPU must not reuse it). Some Intel machines list AMX but
# fault on its instructions inside a container (llama.cpp dies with SIGILL in its AMX kernels):
# they get a non-native build with only the vector features /proc/cpuinfo lists.
set -euo pipefail
PY=${1:?usage: llama_wheel.sh PYTHON}
VERSION=0.3.36
CACHE=${CHATBOT_WHEEL_CACHE:-$HOME/.cache/chatbot/wheels}

if [ -z "${CMAKE_ARGS:-}" ]; then
  flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)
  has() { [[ " $flags " == *" $1 "* ]]; }
  if has amx_tile; then
    args="-DGGML_NATIVE=OFF"
    has avx2 && args+=" -DGGML_AVX2=ON"
    has avx512f && args+=" -DGGML_AVX512=ON"
    has avx512_vnni && args+=" -DGGML_AVX512_VNNI=ON"
    has avx512_bf16 && args+=" -DGGML_AVX512_BF16=ON"
    has fma && args+=" -DGGML_FMA=ON"
    has f16c && args+=" -DGGML_F16C=ON"
    export CMAKE_ARGS="$args"
  fi
fi
cpu=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || uname -m)
key=$(printf '%s|%s|%s' "$VERSION" "${CMAKE_ARGS:-native $cpu}" "$(uname -m)" | sha256sum | cut -c1-16)
dir="$CACHE/$key"
if ! ls "$dir"/llama_cpp_python-*.whl >/dev/null 2>&1; then
  echo "Building llama-cpp-python $VERSION (CMAKE_ARGS='${CMAKE_ARGS:-}'): 5-8 minutes on 2 cores..."
  mkdir -p "$dir.tmp"
  CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) "$PY" -m pip wheel --no-deps --no-cache-dir \
    -w "$dir.tmp" "llama-cpp-python==$VERSION"
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
fi
"$PY" -m pip install --no-deps "$dir"/llama_cpp_python-*.whl
