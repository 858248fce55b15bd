"""Shared fixtures: the shipped policy, and temporary variants of its TOML text."""

from __future__ import annotations

import itertools
import re
from importlib import resources
from pathlib import Path

import pytest

from xl_addin.core.policy import POLICY_ENV, Policy, load_policy

SHIPPED_TEXT = (resources.files("xl_addin.policies") / "shuangpai-2020.toml").read_text("utf-8")
_names = itertools.count()


@pytest.fixture(autouse=True)
def _default_policy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts from the shipped default policy, whatever the shell exports."""
    monkeypatch.delenv(POLICY_ENV, raising=False)


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
