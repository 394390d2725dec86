"""The attack-library reference (docs/attacks.md), generated from the registry and the seed sets."""

from __future__ import annotations

from redline.attacks.base import PluginKind
from redline.attacks.registry import ComponentInfo, catalogue
from redline.attacks.seeds.importers import INFO
from redline.attacks.seeds.library import SeedLibrary
from redline.attacks.seeds.packaged import CORPORA

INTRO = """\
# Attack library

Techniques turn seeds into attack cases; converters transform a case's text and compose in chains
(`--converter base64 --converter caesar:shift=5`). Both register through the `redline.attacks` entry
point, so a package can add its own; a contract test checks every registered one. `redline attacks
list [--threat ID] [--json]` prints what this page lists, `redline attacks preview TECHNIQUE` shows
the cases a playbook step would make, and `redline seeds list|show|import` manages seed sets.

Cases are built by `redline.attacks.planning.build_cases(steps, seed=..., sample_size=...)`: each
automated playbook step names a technique, a seed set, converters and parameters. The same steps and
seed give the same cases with the same ids.

## Multi-turn and attacker-model loops

- **Crescendo** (`crescendo`): the engine drives it turn by turn through `strategy(...).next_message`,
  which derives the next message from the stored history alone, so a round resumes after an
  interruption. `run(...)` is the self-contained loop with backtracking of refused turns.
- **PAIR** (`pair`) and **TAP** (`tap`): `run(case, target=, attacker=, judge=, params=, recorder=,
  resume=)` returns an `AttackTranscript`; every turn is handed to `recorder` as it happens and a stored
  transcript passed as `resume` continues the attack. The attacker and the judge are any configured
  target (a judge target is asked for a 1-10 rating) or scorer. Budgets (`AttackBudget`) cap turns,
  branches, width, tokens and backtracks.
- Measured on the bundled SmolLM2-135M model (2 CPU cores), with the same model as target, attacker
  and judge: PAIR 1 stream x 2 refinements about 25 s; TAP depth 2 x 2 branches, width 1, about 50 s;
  Crescendo 2-3 turns with 1 backtrack about 25-60 s (replies capped at 64 target, 96 attacker and 48
  judge tokens). A small attacker often ignores the requested format; a scripted reformulation then
  keeps the loop going and the turn is marked `attacker_fallback`.

## White-box attacks

`random-search-suffix` (Andriushchenko et al. 2024) and `gcg` (Zou et al. 2023) optimise a suffix on
a white-box target (the `hf` adapter, which loads the bundled model with transformers and uses a GPU
when one is present): `optimise(seed, params, target=, rng=)` returns the case with the suffix and a
`SuffixResult` whose `history` shows log p(target prefix) step by step. Only candidates whose text
re-tokenises to the same ids are kept, so the result is a prompt that can really be sent. On the
bundled model (CPU), 6 random-search steps of 6 candidates raise log p("Sure, here is") from about
-12.7 to about -9.6 in under a minute. `uncertainty-probe` asks for token log-probabilities;
`redline.attacks.whitebox.uncertainty.answer_uncertainty` turns them into confidence signals.

## Operator error

`misconfiguration-sweep` and `redline.attacks.configuration.sweep(cases)` replay cases under each
mis-configuration: a case transform plus `run_overrides` (generation settings and target options) in
`case.params`, read back with `run_overrides(case)` / `generation_for(case, params)`.
`configuration_shift.compare_configurations(evidence_by_configuration)` reports, per configuration,
the failure rate, its interval and whether safety moved (Fisher exact test against the baseline).
"""


def _component(c: ComponentInfo) -> list[str]:
    label = (
        f" ({c.technique_kind.value})" if c.technique_kind else (" (needs a model)" if c.needs_model else "")
    )
    out = [f"### `{c.name}`{label}", "", c.summary, ""]
    out.append(f"- threats: {', '.join(f'`{t}`' for t in c.threats) or 'none'}")
    if c.default_seeds:
        out.append(f"- default seeds: `{c.default_seeds}`")
    out.append(f"- source: {c.source}")
    props = c.params.get("properties", {})
    if props:
        out.append("- parameters:")
        for pname, schema in props.items():
            out.append(
                f"  - `{pname}` (default `{c.defaults.get(pname)!r}`): {schema.get('description', '')}"
            )
    out.append("")
    return out


def render_attack_reference() -> str:
    """docs/attacks.md: techniques, converters, seed sets and importers."""
    items = catalogue()
    techniques = [c for c in items if c.kind is PluginKind.TECHNIQUE]
    converters = [c for c in items if c.kind is PluginKind.CONVERTER]
    out = [INTRO, f"{len(techniques)} techniques and {len(converters)} converters are registered.", ""]
    out += ["## Techniques", ""]
    for c in techniques:
        out += _component(c)
    out += ["## Converters", ""]
    for c in converters:
        out += _component(c)
    lib = SeedLibrary.load()
    out += [
        "## Shipped seed sets",
        "",
        "| set | kind | entries | threats | licence |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name in lib.names():
        s = lib.get(name)
        out.append(f"| `{name}` | {s.kind.value} | {len(s.seeds)} | {', '.join(s.threats)} | {s.licence} |")
    out += ["", "## Importers (`redline seeds import FORMAT FILES... --name NAME`)", ""]
    out += ["| format | dataset | licence | citation |", "| --- | --- | --- | --- |"]
    for fmt, info in INFO.items():
        out.append(f"| `{fmt.value}` | [{info.title}]({info.source}) | {info.licence} | {info.citation} |")
    out += ["", "Corpora read from installed packages (`--from-package NAME`):", ""]
    for corpus in CORPORA.values():
        out.append(f"- `{corpus.name}`: {corpus.note}; {corpus.licence}; {corpus.source}")
    return "\n".join(out).rstrip() + "\n"
