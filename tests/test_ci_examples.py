"""The CI examples in docs/ci/ parse, and every xl-addin command in them is one the CLI
accepts (checked with --help of each subcommand and the choices of --format)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml
from click.testing import CliRunner

from xl_addin.cli import main

DOCS = Path(__file__).resolve().parents[1] / "docs" / "ci"
ROOT = Path(__file__).resolve().parents[1]


def _commands(node: object) -> list[str]:
    if isinstance(node, dict):
        return [c for v in node.values() for c in _commands(v)]
    if isinstance(node, list):
        return [c for v in node for c in _commands(v)]
    if isinstance(node, str):
        return [m.strip() for m in re.findall(r"(?m)^\s*(xl-addin [^|&\n]+)", node)]
    return []


def test_examples_parse_and_use_real_commands():
    commands = []
    for name in ("github-actions.yml", "gitlab-ci.yml", "pre-commit-config.yaml"):
        commands += _commands(yaml.safe_load((DOCS / name).read_text(encoding="utf-8")))
    assert len(commands) >= 3
    for command in commands:
        words = shlex.split(command)[1:]
        sub = words[0]
        assert sub in main.commands, command
        if "--format" in words:
            fmt = words[words.index("--format") + 1]
            choices = next(p for p in main.commands[sub].params if p.name == "fmt").type.choices
            assert fmt in choices, command
        assert CliRunner().invoke(main, [sub, "--help"]).exit_code == 0


def test_pre_commit_hook_runs_the_check_command():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "xl-addin-check")
    assert hook["entry"] == "xl-addin check"
    assert re.search(hook["files"], "泷泊镇_2020-03-11.xlsx")
    assert not re.search(hook["files"], "notes.txt")
