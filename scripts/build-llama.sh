#!/usr/bin/env bash
# Build and install the local model runtime (llama-cpp-python) with portable CPU flags:
#   build-llama.sh PYTHON
#
# PyPI ships llama-cpp-python only as source, and llama.cpp's default build tunes itself to the
# building CPU (GGML_NATIVE). On CPUs with AMX, a native build repacks quantised weights for the AMX
# kernels and crashes at the first decode (llama.cpp issue 20824), and a natively built wheel that
# pip cached is reused silently on the next install. So Redline builds the wheel itself:
#
#   - with -DGGML_NATIVE=OFF (llama.cpp's portable x86-64 baseline: SSE4.2, AVX, AVX2, FMA, F16C;
#     no AVX-512, no AMX); on a CPU without AVX2 the baseline drops to SSE4.2;
#   - into a wheel cache of its own, one folder per build key (version, flags, Python, platform), so
#     a wheel built with other flags, or pip's own cached wheel, is never picked up;
#   - and reinstalls it over any other build of the same version already in the environment.
#
# Environment:
#   REDLINE_LLAMA_NATIVE=1        opt in to a native build (tuned to this CPU; not portable)
#   REDLINE_LLAMA_CMAKE_ARGS=...  exact CMake flags instead of the portable ones
#   REDLINE_WHEEL_CACHE=DIR       where built wheels are kept (default ~/.cache/redline/wheels)
set -euo pipefail
py=$1
version=0.3.36

if [ -n "${REDLINE_LLAMA_CMAKE_ARGS:-}" ]; then
  flags=$REDLINE_LLAMA_CMAKE_ARGS
elif [ "${REDLINE_LLAMA_NATIVE:-0}" = "1" ]; then
  flags="-DGGML_NATIVE=ON"
else
  flags="-DGGML_NATIVE=OFF -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
  case "$(uname -m)" in
    x86_64|amd64)
      if ! grep -qw avx2 /proc/cpuinfo 2>/dev/null; then
        flags="$flags -DGGML_AVX=OFF -DGGML_AVX2=OFF -DGGML_FMA=OFF -DGGML_F16C=OFF -DGGML_BMI2=OFF"
      fi
      ;;
  esac
fi

interp=$("$py" -c 'import sys, sysconfig; print(sys.implementation.cache_tag + "-" + sysconfig.get_platform())')
key=$(printf '%s|%s|%s' "$version" "$flags" "$interp" | sha256sum | cut -c1-16)
cache=${REDLINE_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/redline/wheels}
dir="$cache/llama-cpp-python-$version-$key"
venv=$(cd "$(dirname "$py")/.." && pwd)
marker="$venv/.llama-build-key"

wheel() { compgen -G "$dir/llama_cpp_python-$version-*.whl" | head -n 1; }

if [ -z "$(wheel || true)" ]; then
  echo "Building llama-cpp-python $version from source with CMAKE_ARGS=\"$flags\""
  echo "(compiles llama.cpp: about 11 minutes on 2 cores the first time on this machine; the wheel is"
  echo "kept in $dir and reused afterwards). It is not hung."
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/.build-XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  # --no-cache-dir: never take (or leave) a wheel in pip's own cache, whose key ignores CMAKE_ARGS.
  CMAKE_ARGS="$flags" FORCE_CMAKE=1 "$py" -m pip wheel -q --no-deps --no-cache-dir \
    --no-binary llama-cpp-python -w "$tmp" "llama-cpp-python==$version"
  printf '%s\n' "$flags" >"$tmp/CMAKE_ARGS"
  rm -rf "$dir"
  mv "$tmp" "$dir"
  trap - EXIT
fi
whl=$(wheel)

if [ "$(cat "$marker" 2>/dev/null || true)" != "$key" ]; then
  # Install its dependencies, then this exact build over whatever build of the version is there.
  "$py" -m pip install -q "$whl"
  "$py" -m pip install -q --no-deps --force-reinstall "$whl"
  printf '%s\n' "$key" >"$marker"
fi
