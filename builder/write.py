"""Write generated files into a folder: atomically, and only what changed."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

MANIFEST = ".generated.json"


def _read_manifest(out: Path) -> list[str]:
    try:
        data = json.loads((out / MANIFEST).read_text("utf-8"))
        return [p for p in data.get("files", []) if isinstance(p, str)]
    except (OSError, ValueError, AttributeError):
        return []


def _safe(out: Path, rel: str) -> Path:
    path = (out / rel).resolve()
    if not path.is_relative_to(out.resolve()):
        raise ValueError(f"refusing to write outside {out}: {rel}")
    return path


def write_tree(out: Path, files: dict[str, str]) -> tuple[list[str], list[str]]:
    """Write files under out; return (written, removed) relative paths.

    Every changed file is first staged in a temporary folder inside out,
    then moved into place with os.replace, so an interrupted build leaves
    each file either old or new, never half-written. Files that an earlier
    build generated and this one does not are removed; nothing else is.
    """
    out.mkdir(parents=True, exist_ok=True)
    previous = _read_manifest(out)
    changed: list[tuple[str, bytes]] = []
    for rel, text in sorted(files.items()):
        data = text.encode("utf-8")
        path = _safe(out, rel)
        try:
            if path.read_bytes() == data:
                continue
        except OSError:
            pass
        changed.append((rel, data))
    stale = sorted(set(previous) - set(files))
    manifest = json.dumps({"files": sorted(files)}, indent=1, sort_keys=True) + "\n"
    if not changed and not stale and (out / MANIFEST).exists():
        return [], []
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    try:
        for rel, data in changed:
            tmp = staging / rel
            tmp.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
        (staging / MANIFEST).write_text(manifest, "utf-8")
        for rel, _ in changed:
            dest = _safe(out, rel)
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, dest)
        os.replace(staging / MANIFEST, out / MANIFEST)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    removed = []
    for rel in stale:
        try:
            _safe(out, rel).unlink()
            removed.append(rel)
        except (OSError, ValueError):
            pass
    return [rel for rel, _ in changed], removed
