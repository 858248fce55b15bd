"""Shared fixtures: the material beside the checkout (``../shared``), the shipped policy,
and temporary variants of its TOML text."""

from __future__ import annotations

import functools
import itertools
import os
import re
import shutil
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from xl_addin.core.policy import POLICY_ENV, Policy, load_policy
from xl_addin.validation.batch import _init_worker as _real_init_worker

# The project's shared material (spec, seed article, corpus of real-world files, Microsoft's
# ribbon schema) lies beside the checkout, as on CI. A clean clone has nothing there: the
# tests that compare with it skip, naming the missing folder. CI (.ci/run) refuses to run
# without it and sets XL_ADDIN_NO_SKIP=1, so there they fail instead of skipping.
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
NO_SKIP = "XL_ADDIN_NO_SKIP"


def shared_path(*parts: str) -> Path:
    """``../shared/<parts>``; the calling test skips (fails on CI) when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        reason = f"needs {path} (the shared material beside the checkout; CI always has it)"
        if _required_here():
            pytest.fail(reason)
        pytest.skip(reason)
    return path


def _required_here() -> bool:
    """Under .ci/run (``XL_ADDIN_NO_SKIP=1``) nothing may skip."""
    return os.environ.get(NO_SKIP) == "1"


@pytest.fixture(scope="session")
def soffice() -> str:
    """LibreOffice's ``soffice``. README's test command says it is needed; a machine
    without it skips the recalculation tests naming the package, and CI (which installs
    it in .ci/run) fails instead."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        reason = "needs LibreOffice: apt-get install libreoffice-calc-nogui (.ci/run does)"
        if _required_here():
            pytest.fail(reason)
        pytest.skip(reason)
    return found


@pytest.fixture(scope="session")
def shared() -> Callable[..., Path]:
    """The one way a test reaches ``../shared``: ``shared("corpus", "xlsx-wild")``."""
    return shared_path


SHIPPED_TEXT = (resources.files("xl_addin.policies") / "shuangpai-2020.toml").read_text("utf-8")
_names = itertools.count()


@pytest.fixture(autouse=True)
def _default_policy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts from the shipped default policy, whatever the shell exports."""
    monkeypatch.delenv(POLICY_ENV, raising=False)


@pytest.fixture(scope="session", autouse=True)
def _session_result_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Never the user's result cache (xl_addin/validation/cache.py; the CLI uses one unless
    --no-cache), also for the module- and session-scoped fixtures that run the CLI."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XL_ADDIN_CACHE_DIR", str(tmp_path_factory.mktemp("session-cache")))
        yield


@pytest.fixture(autouse=True)
def _own_result_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
                      ) -> None:
    """Every test has its own, empty result cache."""
    monkeypatch.setenv("XL_ADDIN_CACHE_DIR", str(tmp_path_factory.mktemp("result-cache")))


@pytest.fixture
def policy() -> Policy:
    return load_policy()


def param_block(key: str) -> str:
    """The text of the first ``[[param."key"]]`` block of the shipped file."""
    match = re.search(r'\[\[param\."' + re.escape(key) + r'"\]\]\n.*?(?=\n\n|\Z)',
                      SHIPPED_TEXT, re.S)
    assert match, key
    return match[0]


@pytest.fixture
def policy_variant(tmp_path: Path):
    """Write a variant of the shipped policy file to a fresh path (load_policy caches by
    path): ``replace`` edits the text of one parameter's block, ``drop`` removes a
    block, ``append`` adds text at the end."""

    def write(*, replace: tuple[str, str, str] | None = None, drop: str | None = None,
              append: str = "") -> Path:
        text = SHIPPED_TEXT
        if replace:
            key, old, new = replace
            block = param_block(key)
            assert old in block, (key, old)
            text = text.replace(block, block.replace(old, new))
        if drop:
            text = text.replace(param_block(drop), "")
        path = tmp_path / f"policy-{next(_names)}.toml"
        path.write_text(text + append, encoding="utf-8")
        return path

    return write


@pytest.fixture()
def _remote_interpreter(monkeypatch: pytest.MonkeyPatch) -> None:
    """xlwings' remote interpreter, as the ribbon's tests drive it (tests/payloads.py):
    the noncommercial licence key set and the remote engine registered."""
    import payloads

    for key, value in payloads.LICENSE.items():
        monkeypatch.setenv(key, value)
    payloads.ensure_remote_engine()


def _planting_init(owner: str, name: str, replacement: Any, max_bytes: int) -> None:
    """A worker's initializer that also puts ``replacement`` in place of ``owner.name``
    (``owner``: "module" or "module:Class")."""
    import importlib

    _real_init_worker(max_bytes)
    module, _, attribute = owner.partition(":")
    target: Any = importlib.import_module(module)
    for part in filter(None, attribute.split(".")):
        target = getattr(target, part)
    setattr(target, name, replacement)


def plant_in_workers(monkeypatch: pytest.MonkeyPatch, owner: ModuleType | type, name: str,
                     replacement: Any) -> None:
    """Replace ``owner.name`` (a module's function or a class's method) by ``replacement``
    (a module-level function) here and in the worker processes of ``check_paths``,
    ``run_guarded``, whether they are forked or forked from a fork server (when this
    process has used polars: ``batch.pool_context``)."""
    from xl_addin.validation import batch

    path = owner.__name__ if isinstance(owner, ModuleType) else \
        f"{owner.__module__}:{owner.__qualname__}"
    monkeypatch.setattr(owner, name, replacement)
    monkeypatch.setattr(batch, "_init_worker",
                        functools.partial(_planting_init, path, name, replacement))
