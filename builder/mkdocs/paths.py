"""Where the MkDocs side finds the research inputs: mkdocs.yml's `extra.research`, or the environment."""

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
