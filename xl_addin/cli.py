"""The ``xl-addin`` command: one command per library call."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import click

from .core.errors import CalcError
from .core.messages import Lang, text
from .core.normalize import parse_date
from .outputs.atomic import write_text_atomic
from .outputs.report import FORMATS
from .reading.limits import DEFAULT_LIMITS, MIB, Limits

# What the commands import only once they run (docs/performance.md, "Start-up of the
# command"): the checking commands start their worker processes first, and load rich and
# the renderers while the workers load the checking program.
if TYPE_CHECKING:
    from .core.policy import Policy
    from .validation.outcome import Batch, Outcome


class DateType(click.ParamType):
    name = "date"

    def convert(self, value: Any, param: Any, ctx: Any) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return parse_date(value)
        except CalcError:
            lang = (ctx.find_root().params.get("lang") if ctx else None) or "zh"
            self.fail(text("cli_bad_date", lang, value=value), param, ctx)


DATE = DateType()
lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh",
                           show_default=True, help="Language of messages / 提示语言.")
def limits_options(func: Any) -> Any:
    """--max-size, --max-unpacked, --timeout, --max-memory: what reading one file may cost."""
    for option in reversed((
        click.option("--max-size", type=click.IntRange(1), default=DEFAULT_LIMITS.max_file_bytes
                      // MIB, show_default=True, help="Largest workbook file to read, MiB."),
        click.option("--max-unpacked", type=click.IntRange(1),
                     default=DEFAULT_LIMITS.max_unpacked_bytes // MIB, show_default=True,
                     help="Largest unpacked size of a workbook, MiB (zip bombs)."),
        click.option("--timeout", type=click.FloatRange(1), show_default=True,
                     default=DEFAULT_LIMITS.timeout_seconds, help="Seconds allowed per workbook."),
        click.option("--max-memory", type=click.IntRange(64), show_default=True,
                     default=DEFAULT_LIMITS.max_memory_bytes // MIB,
                     help="Memory a reading process may add, MiB."),
    )):
        func = option(func)
    return func


def make_limits(max_size: int, max_unpacked: int, timeout: float, max_memory: int) -> Limits:
    return Limits(max_file_bytes=max_size * MIB, max_unpacked_bytes=max_unpacked * MIB,
                  timeout_seconds=timeout, max_memory_bytes=max_memory * MIB)


# The result cache (validation/cache.py): on unless --no-cache, on every command that
# checks a folder of workbooks (check, summary; the dispatch command to come).
no_cache_option = click.option("--no-cache", is_flag=True, help="Read every workbook again "
                               "instead of using the results cached for unchanged ones.")
policy_option = click.option("--policy", "policy_path", type=click.Path(dir_okay=False),
                             envvar="XL_ADDIN_POLICY", help="Policy file (TOML) to use.")


def _policy_or_exit(policy_path: str | None, lang: Lang) -> Policy:
    """The policy to use; a policy file that is refused ends the command (exit 2)."""
    from .core.policy import PolicyError, load_policy  # pydantic: imported where needed

    try:
        return load_policy(policy_path)
    except PolicyError as exc:
        click.echo(exc.message(lang), err=True)
        sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="xl-addin")
def main() -> None:
    """复工复产报表工具：校验、模板、汇总。 Checks, templates and summaries for township
    reporting workbooks."""


def run_check(paths: tuple[str, ...], as_of: dt.date | None, jobs: int | None,
              policy_path: str | None, lang: Lang, show_progress: bool,
              limits: Limits = DEFAULT_LIMITS, cache: bool = False,
              prepare: Callable[[], Any] | None = None) -> Batch:
    """Check ``paths`` (``validation.batch.check_paths``). ``prepare`` (what the command
    needs after the check: its renderers) and the progress bar are loaded once the worker
    processes have been started, while they load the checking program."""
    from .validation.batch import check_paths

    with contextlib.ExitStack() as stack:
        steps: list[Callable[[Outcome], None]] = []

        def started(total: int) -> None:
            if prepare:
                prepare()
            if show_progress:
                steps.append(stack.enter_context(_progress_bar(total, lang)))

        def step(checked: Outcome) -> None:
            for advance in steps:
                advance(checked)

        return check_paths(paths, as_of, jobs, policy_path,
                           progress=step if show_progress else None, limits=limits,
                           cache=cache, started=started)


@contextlib.contextmanager
def _progress_bar(total: int, lang: Lang) -> Iterator[Callable[[Outcome], None]]:
    """A transient progress bar on standard error: one step per workbook checked."""
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn(text("cli_checking", lang)), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.description}"), console=Console(stderr=True),
                  transient=True) as bar:
        task = bar.add_task("", total=total)

        def advance(checked: Outcome) -> None:
            bar.update(task, advance=1, description=escape(os.path.basename(checked.display)))

        yield advance


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--as-of", type=DATE, help="Override 统计日期 (the as-of date of every rule).")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), help="Parallel processes.")
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="Write the report to a file (atomically) instead of standard output.")
@lang_option
@policy_option
@limits_options
@no_cache_option
def check(paths: tuple[str, ...], fmt: str, as_of: dt.date | None, jobs: int | None,
          output: str | None, lang: Lang, policy_path: str | None, no_cache: bool,
          **limits: Any) -> None:
    """校验工作簿（文件或文件夹）。Exit 0: no 错误; 1: 错误 found; 2: a file unreadable."""
    if policy_path:  # a policy file of the user's is refused here, before any worker runs
        _policy_or_exit(policy_path, lang)
    batch = run_check(paths, as_of, jobs, policy_path, lang, sys.stderr.isatty(),
                      make_limits(**limits), cache=not no_cache,
                      prepare=lambda: _renderers(fmt))
    from .outputs.report import RENDERERS, render_table

    if fmt == "table":
        from rich.console import Console

        if output:
            with open(os.devnull, "w") as sink:
                console = Console(file=sink, record=True, width=160)
                render_table(batch, console, lang)
            _write_or_exit(output, lambda: write_text_atomic(output, console.export_text()), lang)
        else:
            render_table(batch, Console(width=None if sys.stdout.isatty() else 160), lang)
    else:
        rendered = RENDERERS[fmt](batch, lang)
        if output:
            _write_or_exit(output, lambda: write_text_atomic(output, rendered + "\n"), lang)
        else:
            click.echo(rendered)
    sys.exit(batch.exit_code)


def _renderers(fmt: str) -> None:
    """Load what rendering the report needs (the renderers, rich for a table, the sheets'
    order of the findings), while the workers load the checking program."""
    from .model.spec import sheet_order
    from .outputs import report  # noqa: F401

    if fmt == "table":
        import rich.console
        import rich.table  # noqa: F401
    sheet_order()


def _write_or_exit(target: str, write: Any, lang: Lang) -> None:
    """Write an output; a folder that does not exist or cannot be written is reported in a
    sentence and exit code 2, not a traceback (the output is written atomically, so an
    existing file is left as it was)."""
    try:
        write()
    except OSError as exc:
        click.echo(text("output_failed", lang, file=target, detail=exc.strerror or str(exc)),
                   err=True)
        sys.exit(2)


@main.command()
@click.option("--township", required=True, help="乡镇名，如 泷泊镇")
@click.option("--date", "as_of", type=DATE, required=True, help="统计日期，如 2020-03-11")
@click.option("--out", type=click.Path(dir_okay=False),
              help="Output file (default: 乡镇_日期.xlsx)")
@lang_option
@policy_option
def template(township: str, as_of: dt.date, out: str | None, lang: Lang,
             policy_path: str | None) -> None:
    """生成空白标准报表。Write the blank standard workbook of a township and date."""
    from .outputs.template import default_file_name, write_template

    policy = _policy_or_exit(policy_path, lang)
    target = out or default_file_name(township, as_of)
    try:
        write_template(township, as_of, target, policy)
    except CalcError as exc:
        click.echo(exc.message(lang), err=True)
        sys.exit(2)
    click.echo(text("cli_written", lang, file=target))


@main.command()
@click.option("--out", type=click.Path(dir_okay=False),
              help="Markdown file to write, e.g. docs/workbook.md (default: print it).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the dictionary / 说明语言.")
def dictionary(out: str | None, lang: Lang) -> None:
    """生成填报说明（数据字典，Markdown）。Write the data dictionary of the standard workbook."""
    from .outputs.dictionary import markdown

    command = "xl-addin dictionary" + (" --lang en" if lang == "en" else "") + (
        f" --out {out}" if out else "")
    document = markdown(lang=lang, command=command)
    if out is None:
        click.echo(document, nl=False)
        return
    _write_or_exit(out, lambda: write_text_atomic(out, document), lang)
    click.echo(text("cli_written", lang, file=out))


@main.command()
@click.option("--out", type=click.Path(dir_okay=False),
              help="Markdown file to write, e.g. docs/rules.md (default: print it).")
def rules(out: str | None) -> None:
    """列出全部校验规则（Markdown）。List every rule of the registry (docs/rules.md)."""
    from .outputs.rule_list import rules_markdown

    document = rules_markdown()
    if out is None:
        click.echo(document, nl=False)
        return
    _write_or_exit(out, lambda: write_text_atomic(out, document), "zh")
    click.echo(text("cli_written", "zh", file=out))


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--out", type=click.Path(dir_okay=False), help="County summary workbook to write.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text: the bulletin sentence; json: every indicator.")
@click.option("--month", help="Month of the key projects, e.g. 2020-02 (default: the month "
              "before 统计日期).")
@click.option("--as-of", type=DATE, help="Override 统计日期 of every workbook.")
@click.option("--date", "day", type=DATE, help="The 统计日期 to summarise (default: the latest "
              "among the workbooks); workbooks of other days are listed, not added.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), help="Parallel processes.")
@click.option("--bulletin-template", type=click.Path(dir_okay=False),
              help="The county's bulletin template (Jinja2 text; default: the shipped one).")
@lang_option
@policy_option
@limits_options
@no_cache_option
def summary(paths: tuple[str, ...], out: str | None, fmt: str, month: str | None,
            as_of: dt.date | None, day: dt.date | None, jobs: int | None,
            bulletin_template: str | None, lang: Lang, policy_path: str | None,
            no_cache: bool, **limits: Any) -> None:
    """县级汇总：把各乡镇工作簿汇总成县级汇总表和通报。"""
    import json

    from .outputs.bulletin import BulletinTemplateError, load_template
    from .outputs.summary import county_summary, write_summary

    policy = _policy_or_exit(policy_path, lang)
    try:  # a broken template is found before the workbooks are checked
        load_template(bulletin_template, lang)
    except BulletinTemplateError as exc:
        click.echo(exc.message(lang), err=True)
        sys.exit(2)
    batch = run_check(paths, as_of, jobs, policy_path, lang, sys.stderr.isatty(),
                      make_limits(**limits), cache=not no_cache)
    result = county_summary(batch, month, day)
    result.bulletin_template = bulletin_template
    try:
        paragraphs = result.paragraphs(lang)  # an unknown name is found at rendering
        if fmt == "json":
            document = json.dumps(result.to_json(), ensure_ascii=False, indent=2)
    except BulletinTemplateError as exc:
        click.echo(exc.message(lang), err=True)
        sys.exit(2)
    if out:
        _write_or_exit(out, lambda: write_summary(result, batch, out, lang,
                                                  county=policy.meta.county), lang)
    if fmt == "json":
        click.echo(document)
    else:
        click.echo("\n\n".join(paragraphs))
        for note in result.notes(lang):
            click.echo(note)
    if out:
        click.echo(text("summary_written", lang, file=out, count=len(result.townships)), err=True)
    from .outputs.report import totals
    click.echo(text("batch_total", lang, **totals(batch)), err=True)
    sys.exit(batch.exit_code)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--out", type=click.Path(dir_okay=False),
              help="Workbook to write: one sheet per 承办部门, the hazards, an overview.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="table: the list on the terminal; json: every record.")
@click.option("--date", "day", type=DATE, help="The 统计日期 of the list (default: the latest "
              "among the workbooks); workbooks of other days are not read into it.")
@click.option("--as-of", type=DATE, help="Override 统计日期 of every workbook.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), help="Parallel processes.")
@lang_option
@policy_option
@limits_options
def dispatch(paths: tuple[str, ...], out: str | None, fmt: str, day: dt.date | None,
             as_of: dt.date | None, jobs: int | None, lang: Lang, policy_path: str | None,
             **limits: Any) -> None:
    """日调度交办清单：未办结交办问题（按承办部门、问题类别）和未销号隐患。Exit as ``check``."""
    import json

    from rich.console import Console

    from .outputs.dispatch import dispatch_line, dispatch_list, render_dispatch, write_dispatch
    from .outputs.summary import county_summary

    _policy_or_exit(policy_path, lang)
    batch = run_check(paths, as_of, jobs, policy_path, lang, sys.stderr.isatty(),
                      make_limits(**limits))
    result = dispatch_list(county_summary(batch, None, day))
    if out:
        _write_or_exit(out, lambda: write_dispatch(result, out, lang), lang)
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        render_dispatch(result, Console(width=None if sys.stdout.isatty() else 160), lang)
    click.echo(dispatch_line(result, lang), err=True)
    if out:
        click.echo(text("cli_written", lang, file=out), err=True)
    from .outputs.report import totals
    click.echo(text("batch_total", lang, **totals(batch)), err=True)
    sys.exit(batch.exit_code)


@main.command()
@click.argument("source", type=click.Path(dir_okay=False))
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="The annotated copy to write (never the source).")
@click.option("--as-of", type=DATE, help="Override 统计日期.")
@click.option("--keep-macros", is_flag=True,
              help="Carry the macros of an .xlsm over into an .xlsm copy (never run).")
@lang_option
@policy_option
@limits_options
def annotate(source: str, out: str, as_of: dt.date | None, keep_macros: bool, lang: Lang,
             policy_path: str | None, **limits: Any) -> None:
    """生成标注副本：错误单元格填色并加批注，另附“校验结果”表。源文件不会被修改。"""
    from .outputs.annotate import AnnotateError
    from .outputs.annotate import annotate as run
    from .outputs.report import verdict

    policy = _policy_or_exit(policy_path, lang)
    notes: list[str] = []  # formats: what a copy of an .xls/.ods source lacks
    try:
        result = run(source, out, as_of, policy, lang, keep_macros,
                     make_limits(**limits), notes=notes)
    except AnnotateError as exc:
        click.echo(exc.message(lang), err=True)
        sys.exit(2)
    for note in notes:
        click.echo(note, err=True)
    click.echo(text("annotate_written", lang, file=out, verdict=verdict(result, lang)))
    sys.exit(1 if result.errors else 0)


@main.command("build-addin")
@click.option("--out", default="dist/fgfc.xlam", show_default=True,
              type=click.Path(dir_okay=False), help="The add-in (.xlam) to write.")
@click.option("--interpreter", help="Interpreter_Win of the config sheet: the pythonw.exe of "
              "the Python that has xl-addin installed (default: pythonw on PATH, or the "
              "user's %USERPROFILE%\\.xlwings\\xlwings.conf).")
@click.option("--pythonpath", help="PYTHONPATH of the config sheet.")
@click.option("--conda-path", help="Conda Path of the config sheet.")
@click.option("--conda-env", help="Conda Env of the config sheet.")
@click.option("--require-udfs", is_flag=True,
              help="Fail when the FG_ cell-function wrappers cannot be included.")
@click.option("--ribbon-xsd", type=click.Path(dir_okay=False),
              help="Microsoft's customUI 2009/07 schema (customui14.xsd) to validate the "
              "ribbon against (default: $XL_ADDIN_RIBBON_XSD, else "
              "../shared/vendor/office/customui14.xsd beside the repository; without one "
              "the build says so in its notes).")
def build_addin(out: str, interpreter: str | None, pythonpath: str | None,
                conda_path: str | None, conda_env: str | None, require_udfs: bool,
                ribbon_xsd: str | None) -> None:
    """生成 Excel 加载项（.xlam，功能区“复工复产”）。Build the add-in from addin/ and check it."""
    from .addin_build.build import build_addin as run
    from .addin_build.errors import BuildError

    try:
        report = run(out, require_udfs=require_udfs, interpreter=interpreter,
                     pythonpath=pythonpath, conda_path=conda_path, conda_env=conda_env,
                     ribbon_xsd=ribbon_xsd)
    except BuildError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        sys.exit(2)
    click.echo(text("cli_written", "zh", file=str(report.path)))
    click.echo(f"VBA: {', '.join(report.modules)}; xlwings.conf: "
               + ", ".join(f"{k}={v}" for k, v in report.config))
    for note in report.notes:
        click.echo(note, err=True)
