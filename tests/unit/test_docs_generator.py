"""The architecture page takes each module's whole first sentence, however many lines it spans."""

from __future__ import annotations

import pytest

from redline.devtools.docs import architecture, first_sentence


@pytest.mark.parametrize(
    ("doc", "sentence"),
    [
        (
            "Re-run stored cases against a release through the engine, with the original\n"
            "scorers and parameters. More follows.",
            "Re-run stored cases against a release through the engine, with the original scorers and "
            "parameters.",
        ),
        (
            "Export the catalog: JSON (full records) or CSV.\n\nDetails.",
            "Export the catalog: JSON (full records) or CSV.",
        ),
        ("Wrappers (e.g. Base64) around a request. Then.", "Wrappers (e.g. Base64) around a request."),
        (
            "Release against baseline (cf. Drift) and rates vs. Production windows. Then.",
            "Release against baseline (cf. Drift) and rates vs. Production windows.",
        ),
        ("A title without a stop", "A title without a stop"),
        ("", ""),
    ],
)
def test_first_sentence(doc: str, sentence: str) -> None:
    assert first_sentence(doc) == sentence


def test_architecture_lists_each_subpackage_with_its_purpose_before_its_modules() -> None:
    lines = architecture().splitlines()
    package = next(
        i for i, line in enumerate(lines) if line.startswith("| `redline.program.register` (package) |")
    )
    module = next(
        i for i, line in enumerate(lines) if line.startswith("| `redline.program.register.findings` |")
    )
    assert package < module
    assert "The register:" in lines[package]
    assert not any(line.startswith("| `redline.program` (package)") for line in lines)
