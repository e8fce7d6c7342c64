"""Where the MkDocs side finds the research inputs and runs the map: mkdocs.yml's `extra.research`,
or the environment."""

from __future__ import annotations

import os
from pathlib import Path


def research_paths(config) -> tuple[Path, Path, Path]:
    """Return the seeds folder, research.yml and the cache folder for a MkDocs config.

    `extra.research` gives them relative to mkdocs.yml; RESEARCH_SEEDS,
    RESEARCH_CONFIG and RESEARCH_CACHE override them.
    """
    root = Path(config.config_file_path).resolve().parent
    extra = (config.extra or {}).get("research", {}) or {}
    seeds = Path(os.environ.get("RESEARCH_SEEDS") or root / extra.get("seeds", "seeds"))
    cfg = Path(os.environ.get("RESEARCH_CONFIG") or root / extra.get("config", "research.yml"))
    cache = Path(os.environ.get("RESEARCH_CACHE") or root / extra.get("cache", ".cache"))
    return seeds, cfg, cache


def research_executor(config) -> dict[str, str | None]:
    """Return where the hook runs the per-article map: make_executor's name, scheduler and seeds_url.

    `extra.research` gives them as `executor`, `scheduler` and `seeds_url`; RESEARCH_EXECUTOR,
    RESEARCH_SCHEDULER and RESEARCH_SEEDS_URL override them. The default: the local executor.
    """
    extra = (config.extra or {}).get("research", {}) or {}
    got = {
        key: os.environ.get(f"RESEARCH_{key.upper()}") or extra.get(key) or None
        for key in ("executor", "scheduler", "seeds_url")
    }
    return {
        "name": str(got["executor"] or "local"),
        "scheduler": None if got["scheduler"] is None else str(got["scheduler"]),
        "seeds_url": None if got["seeds_url"] is None else str(got["seeds_url"]),
    }
