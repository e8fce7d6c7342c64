"""The executor interface and the local executor; reading inputs by path or URL (builder/execution/)."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from builder.errors import ConfigError, ExecutionError
from builder.execution import STAGE, make_executor
from builder.execution.batch import Elsewhere, code_digest, describe, run_checked
from builder.execution.files import check_seeds_url, has_protocol, read_bytes
from builder.execution.local import PARALLEL_FROM, LocalExecutor
from builder.ingest.discover import Input

ROOT = Path(__file__).resolve().parent.parent


def _words(text: str) -> tuple[int, str]:
    """A toy job: the number of words and the longest one."""
    words = text.split()
    return len(words), max(words, key=len, default="")


def _strict(job: tuple[str, int]) -> int:
    """A toy job with a bug: it raises for every seventh input."""
    name, n = job
    if n % 7 == 6:
        raise ValueError(f"cannot handle {name}")
    return n


TEXTS = [f"Document {n} über Visa und реадмиссия {'x' * (n % 13)}" for n in range(3 * PARALLEL_FROM)]


@pytest.mark.parametrize(
    ("workers", "jobs"),
    [
        (1, TEXTS),  # serial
        (2, TEXTS[: PARALLEL_FROM - 1]),  # too few jobs for a pool: serial
        (2, TEXTS),  # a process pool over chunks
        (2, []),
    ],
)
def test_local_map_is_the_list_comprehension_in_order(workers, jobs):
    seen = []
    got = LocalExecutor(workers).map(_words, jobs, lambda *call: seen.append(call))
    assert got == [_words(t) for t in jobs]
    assert [done for _, done, _ in seen] == sorted(done for _, done, _ in seen)
    assert seen[-1:] == ([(STAGE, len(jobs), len(jobs))] if jobs else [])


@pytest.mark.parametrize("workers", [1, 2])
def test_an_exception_escaping_a_job_is_an_execution_error_naming_the_job(workers):
    jobs = [(f"article-{n:03d}.txt", n) for n in range(PARALLEL_FROM + 10)]
    with pytest.raises(ExecutionError) as err:
        LocalExecutor(workers).map(_strict, jobs)
    assert "job 6 ('article-006.txt', 6) raised ValueError: cannot handle article-006.txt" in str(err.value)


@pytest.mark.parametrize(
    ("name", "scheduler", "message"),
    [
        ("spark", None, "unknown executor 'spark'"),
        ("local", "tcp://127.0.0.1:8786", "--scheduler tcp://127.0.0.1:8786 needs --executor dask"),
    ],
)
def test_make_executor_refuses_a_wrong_choice(name, scheduler, message):
    with pytest.raises(ConfigError, match=message):
        make_executor(name, scheduler)


def test_the_dask_executor_without_dask_installed_is_a_config_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # what an install without the extra has
    monkeypatch.delitem(sys.modules, "builder.execution.dask", raising=False)
    with pytest.raises(ConfigError, match=r"--executor dask needs Dask: pip install -e '\.\[dask\]'"):
        make_executor("dask")


@pytest.mark.parametrize(
    ("job", "name"),
    [
        (("/data/a.txt", "a.txt", object()), "('/data/a.txt', 'a.txt')"),
        ((Path("/data/a.txt"), "a.txt"), "('/data/a.txt', 'a.txt')"),
        (("a.txt", 3, "x"), "('a.txt', 3)"),
        (Path("/data/b.txt"), "PosixPath('/data/b.txt')" if sys.platform != "win32" else None),
        ("c" * 500, "'" + "c" * 158 + "…"),
        ((None, object()), None),  # nothing to name it by in a tuple: its repr
    ],
)
def test_describe_names_a_job_shortly(job, name):
    got = describe(job)
    assert len(got) <= 160, got
    if name is not None:
        assert got == name


@pytest.mark.parametrize(
    ("digest", "refused"),
    [
        (None, False),  # this process's own: the batch runs
        ("0" * 64, True),  # another builder's: refused, with this process's digest
        ("", True),
    ],
)
def test_run_checked_runs_a_batch_only_for_the_same_builder(digest, refused):
    got = run_checked(code_digest() if digest is None else digest, _words, TEXTS[:3])
    if refused:
        assert isinstance(got, Elsewhere) and got.digest == code_digest(), got
    else:
        assert got == [_words(t) for t in TEXTS[:3]]


def test_the_default_path_never_imports_dask(tmp_path):
    """Importing the executors and running the local one leaves Dask (and fsspec) unimported."""
    article = tmp_path / "a.txt"
    article.write_bytes(b"text")
    code = (
        "import sys\n"
        "from builder.execution import make_executor\n"
        "from builder.execution.files import read_bytes\n"
        "ex = make_executor('local', workers=2)\n"
        f"assert ex.map(abs, range(-{2 * PARALLEL_FROM}, 0))[0] == {2 * PARALLEL_FROM}\n"
        "ex.close()\n"
        f"assert read_bytes({str(article)!r}) == b'text'\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed', 'fsspec')))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("location", "url"),
    [
        ("s3://bucket/seeds/a.txt", True),
        ("file:///srv/seeds/a.txt", True),
        ("memory://seeds/a.txt", True),
        ("/srv/seeds/a.txt", False),
        ("seeds/статья.txt", False),
        ("C:\\seeds\\a.txt", False),
        ("seeds/a://b.txt", False),  # "://" not at the start: a relative path
    ],
)
def test_has_protocol(location, url):
    assert has_protocol(location) is url


def test_read_bytes_from_a_path_a_file_url_and_fsspec_memory(tmp_path):
    fsspec = pytest.importorskip("fsspec")
    data = "Визовый режим\r\n".encode("cp1251")
    local = tmp_path / "статья.txt"
    local.write_bytes(data)
    with fsspec.open("memory://seeds/статья.txt", "wb") as f:
        f.write(data)
    assert read_bytes(str(local)) == data
    assert read_bytes("file://" + local.as_posix()) == data  # fsspec reads the path as written, not %-decoded
    assert read_bytes("memory://seeds/статья.txt") == data


@pytest.mark.parametrize(
    "location",
    ["memory://seeds/missing.txt", "nosuchprotocol://seeds/a.txt", "/nonexistent/seeds/a.txt"],
)
def test_read_bytes_raises_oserror_for_what_cannot_be_read(location):
    pytest.importorskip("fsspec")
    with pytest.raises(OSError):
        read_bytes(location)


def _listed(tmp_path: Path, name: str, data: bytes, url: str) -> Input:
    """A file listed in a seeds folder here, to be read at url (as the Dask executor sends it)."""
    here = tmp_path / "seeds" / name
    here.parent.mkdir(parents=True, exist_ok=True)
    here.write_bytes(data)
    st = here.stat()
    return Input(here, name, st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino).at(url)


HERE = "Título: Visados\n\nLa Unión Europea y Kazajistán firman un acuerdo de facilitación de visados.\n"


@pytest.mark.parametrize(
    ("name", "there", "reason"),
    [
        ("a.txt", HERE, None),  # the same bytes there: read
        ("dossier [1] #2 ?.txt", HERE, None),  # joined to the folder as it is: no pattern, no query
        ("sub/статья.txt", HERE, None),
        ("a.txt", None, "cannot read it at the seeds URL: not found there"),
        ("a.txt", HERE + "\n", "differs at the seeds URL from the file here: 98 bytes there, 97 here"),
        ("a.txt", HERE.replace("Unión", "Uniön"), "differs at the seeds URL from the file here: same size"),
        ("a.txt", HERE[:-10], "differs at the seeds URL from the file here: 87 bytes there, 97 here"),
    ],
)
@pytest.mark.parametrize("store", ["memory", "file"])
def test_an_input_at_a_seeds_url_is_read_there_and_checked_against_the_file_here(
    tmp_path, store, name, there, reason
):
    fsspec = pytest.importorskip("fsspec")
    from builder.config import load_config
    from builder.ingest import read_file
    from builder.records import Article, Rejected

    if store == "memory":
        url = f"memory://{tmp_path.name}/seeds"  # one folder per test in fsspec's process-wide memory
    else:
        url = "file://" + (tmp_path / "copy").as_posix()
    if there is not None:
        with fsspec.open(f"{url}/{name}", "wb") as f:
            f.write(there.encode("utf-8"))
    inp = _listed(tmp_path, name, HERE.encode("utf-8"), url)
    got = read_file(inp, load_config(ROOT / "research.yml"))
    if reason is None:
        assert isinstance(got, Article), got
        assert got.sha256 == inp.sha256 == hashlib.sha256(HERE.encode("utf-8")).hexdigest()
    else:
        assert isinstance(got, Rejected) and got.file == name, got
        assert got.reason.startswith(reason), got.reason


def test_an_input_at_a_seeds_url_without_fsspec_is_rejected_saying_so(tmp_path, monkeypatch):
    from builder.config import load_config
    from builder.execution import files
    from builder.ingest import read_file

    inp = _listed(tmp_path, "a.txt", HERE.encode("utf-8"), "memory://seeds")
    files._folder.cache_clear()
    monkeypatch.setitem(sys.modules, "fsspec", None)  # a worker without the dask extra
    got = read_file(inp, load_config(ROOT / "research.yml"))
    assert got.reason == (
        "cannot read it at the seeds URL: ImportError: reading a URL needs fsspec (pip install -e '.[dask]') "
        "(--seeds-url, RESEARCH_SEEDS_URL)"
    ), got


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///shared/seeds", None),
        ("s3://bucket/seeds", None),
        ("/mnt/seeds", None),  # a path on the workers
        ("seeds", "--seeds-url seeds: not a URL or an absolute path"),  # relative to what, on a worker?
        ("nosuch://bucket/seeds", "--seeds-url nosuch://bucket/seeds: fsspec knows no protocol 'nosuch'"),
    ],
)
def test_check_seeds_url(url, message):
    pytest.importorskip("fsspec")
    if message is None:
        assert check_seeds_url(url) is None
    else:
        with pytest.raises(ConfigError, match=re.escape(message)):
            check_seeds_url(url)


def test_a_seeds_url_without_fsspec_is_a_config_error_saying_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "fsspec", None)
    with pytest.raises(ConfigError, match=re.escape("--seeds-url s3://b/seeds: reading a URL needs fsspec")):
        check_seeds_url("s3://b/seeds")


def test_a_seeds_url_for_the_local_executor_is_a_usage_error(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "builder", "build", "--seeds", str(ROOT / "seeds"), "--out", str(tmp_path)]
        + ["--config", str(ROOT / "research.yml"), "--no-cache", "--seeds-url", "file:///shared/seeds"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert "error: --seeds-url file:///shared/seeds needs --executor dask" in proc.stderr, proc.stderr
    assert not any(tmp_path.iterdir())  # nothing built


class _MkDocsConfig:
    def __init__(self, research: dict | None) -> None:
        self.extra = {"research": research} if research is not None else {}


@pytest.mark.parametrize(
    ("research", "env", "expected"),
    [
        (None, {}, ("local", None, None)),
        ({"executor": "dask"}, {}, ("dask", None, None)),
        (
            {"executor": "dask", "scheduler": "tcp://10.0.0.5:8786", "seeds_url": "s3://b/seeds"},
            {},
            ("dask", "tcp://10.0.0.5:8786", "s3://b/seeds"),
        ),
        (
            {"executor": "local", "seeds_url": "s3://b/seeds"},
            {"RESEARCH_EXECUTOR": "dask", "RESEARCH_SEEDS_URL": "file:///mnt/seeds"},
            ("dask", None, "file:///mnt/seeds"),
        ),
        ({}, {"RESEARCH_SCHEDULER": "tcp://h:8786"}, ("local", "tcp://h:8786", None)),
    ],
)
def test_the_hook_takes_the_executor_from_mkdocs_yml_or_the_environment(monkeypatch, research, env, expected):
    from builder.mkdocs.paths import research_executor

    for key in ("RESEARCH_EXECUTOR", "RESEARCH_SCHEDULER", "RESEARCH_SEEDS_URL"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    got = research_executor(_MkDocsConfig(research))
    assert (got["name"], got["scheduler"], got["seeds_url"]) == expected, got
