"""``persona-workshop``: the command-line edge over the toolkit.

Parse, call the packages, print. Every domain error becomes one line on stderr and exit code 2;
outputs are written atomically at the end, so a failed command leaves no partial file behind.
Imports of the packages are inside the commands: ``persona-workshop --help`` stays instant.
"""
from __future__ import annotations

import functools
import os
import subprocess
import sys
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import click

from personas.model import NARRATIVE_FIELDS

EXPORT_FORMATS = ("pdf", "html", "md", "csv", "yaml", "pptx", "png")
LANGUAGES = ("fr", "en")
#: Seeds as scikit-learn and numpy take them: 0 to 2**32 - 1.
MAX_SEED = 2**32 - 1
#: The language found in the arguments before Click parses them (its own errors come first).
_ASKED: ContextVar[str | None] = ContextVar("asked_language", default=None)


class _Group(click.Group):
    """Keeps the order commands are declared in (the order of a workshop) in ``--help``."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


class _Root(_Group):
    """The top-level command: messages in the asked language from the first one, and no traceback.

    Click's own errors (a missing option, a value out of range) are raised while parsing, before
    any ``--lang`` is known to a command: the language is read from the arguments first, and
    Click's strings, which it marks for gettext, are translated by the catalogue in
    ``workshop_data/locales/click``. What no command turned into a message (a full disk met
    outside the file helpers, a name that is not UTF-8) becomes one here, exit code 2.
    """

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, **extra: Any) -> Any:
        args = list(sys.argv[1:] if args is None else args)
        lang = asked_language(args)
        token = _ASKED.set(lang)
        try:
            with click_language(lang):
                return super().main(args, prog_name=prog_name, **extra)
        except (OSError, UnicodeError) as exc:
            _refuse(exc)
        finally:
            _ASKED.reset(token)


def asked_language(args: Sequence[str]) -> str:
    """``--lang fr`` or ``--lang=fr`` anywhere before ``--`` in the arguments, else the locale's language."""
    from workshop_data.messages import language_from_environment

    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            value = args[index + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        else:
            continue
        if value in LANGUAGES:
            return value
    return language_from_environment()


@contextmanager
def click_language(lang: str) -> Iterator[None]:
    """Click's own messages in ``lang`` for the duration: its gettext domain bound to our catalogue.

    Click calls :func:`gettext.gettext`, which looks the language up in ``LANGUAGE`` (then the
    locale) on every call; both are put back afterwards.
    """
    import gettext

    folder = Path(__file__).resolve().with_name("workshop_data") / "locales" / "click"
    domain = gettext.textdomain()
    previous_folder = gettext.bindtextdomain(domain)
    previous_language = os.environ.get("LANGUAGE")
    gettext.bindtextdomain(domain, str(folder))
    os.environ["LANGUAGE"] = lang
    try:
        yield
    finally:
        gettext.bindtextdomain(domain, previous_folder)
        if previous_language is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = previous_language


def message_language(explicit: str | None = None) -> str:
    """The language of messages: the command's ``--lang``, else the top-level one, else the one
    found in the arguments, else the locale."""
    from workshop_data.messages import language_from_environment

    if explicit:
        return explicit
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.find_root().params.get("lang"):
        return ctx.find_root().params["lang"]
    return _ASKED.get() or language_from_environment()


def say(key: str, **params: Any) -> None:
    """One data-layer message on stderr, in the language of the command (see :func:`message_language`)."""
    from workshop_data.messages import render

    ctx = click.get_current_context(silent=True)
    lang = ctx.meta.get("lang") if ctx is not None else None
    click.echo(render(key, params, lang or message_language()), err=True)


def _refuse(exc: BaseException) -> None:
    """A refusal as one message on stderr and exit code 2: a domain error as it is, an operating
    system's or an encoding's failure in words, naming the file."""
    from workshop_data.errors import DataError
    from workshop_data.files import os_reason
    from workshop_data.messages import msg

    if isinstance(exc, OSError):
        exc = DataError(msg("file.os_error", reason=os_reason(exc)), file=_shown_name(exc.filename))
    elif isinstance(exc, UnicodeError):
        exc = DataError(msg("cli.not_utf8"), expected=msg("cli.expected_utf8"))
    say("report.error", message=exc)
    sys.exit(2)


def _shown_name(name: Any) -> str | None:
    """A file name as a message can show it (bytes the terminal cannot print escaped)."""
    if name is None:
        return None
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def domain_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the toolkit's domain errors, and operating-system failures, into one message on stderr
    and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from workshop_data.errors import DataError

        ctx = click.get_current_context(silent=True)
        if ctx is not None:
            ctx.meta["lang"] = message_language(kwargs.get("lang"))
        try:
            return command(*args, **kwargs)
        except (DataError, OSError, UnicodeError) as exc:
            _refuse(exc)

    return wrapper


def _localised(key: str, **params: Any) -> str:
    from workshop_data.messages import render

    return render(key, params, message_language())


class Seed(click.ParamType):
    """A random seed as scikit-learn and numpy accept it: a whole number from 0 to 2**32 - 1."""

    name = "integer"

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_SEED:
            return value
        try:
            seed = int(str(value).strip())
        except ValueError:
            seed = -1
        if not 0 <= seed <= MAX_SEED:
            self.fail(_localised("cli.seed_range", value=str(value), high=str(MAX_SEED)), param, ctx)
        return seed


class Words(click.ParamType):
    """Text typed on the command line (a name, a note, a title): it must be text, not bytes.

    A terminal set to Latin-1 passes 'é' as a byte that is not UTF-8; Python keeps it as a lone
    surrogate, which no file can hold. Refused here, naming the argument, rather than failing at
    the save.
    """

    name = "text"

    def convert(self, value: Any, param: Any, ctx: Any) -> str:
        text = str(value)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            byte = os.fsencode(text[exc.start:exc.end])[:1].hex().upper()
            self.fail(_localised("cli.argument_not_utf8", byte=byte), param, ctx)
        return text


class OutPath(click.Path):
    """An output file: a new one, or a regular file to replace; never a device, a pipe or a folder."""

    def __init__(self) -> None:
        super().__init__(path_type=Path, dir_okay=False)

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        from workshop_data.errors import DataError
        from workshop_data.files import check_target

        try:
            check_target(Path(value))
        except DataError as exc:
            self.fail(exc.localise(message_language()), param, ctx)
        return super().convert(value, param, ctx)


class MethodChoice(click.ParamType):
    """A clustering method name, checked against the methods when parsing (imported only then)."""

    name = "method"

    def convert(self, value: Any, param: Any, ctx: Any) -> str:
        from clustering.methods import METHODS

        if value not in METHODS:
            self.fail(_localised("cli.choice", value=str(value), choices=" | ".join(sorted(METHODS))), param, ctx)
        return value


class KRange(click.ParamType):
    """``MIN MAX`` of the k that ``--k auto`` chooses from: whole numbers from 2 to 20, MIN <= MAX."""

    name = "k-range"
    arity = 2
    is_composite = True

    def get_metavar(self, *args: Any, **kwargs: Any) -> str:
        return "MIN MAX"

    def convert(self, value: Any, param: Any, ctx: Any) -> tuple[int, int]:
        if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, int) for v in value):
            low, high = value
        else:
            try:
                low, high = (int(str(v)) for v in value)
            except (TypeError, ValueError):
                low, high = 0, 0
        if not (2 <= low <= high <= 20):
            shown = " ".join(map(str, value)) if isinstance(value, (tuple, list)) else str(value)
            self.fail(_localised("cli.k_range", value=shown), param, ctx)
        return low, high


class ProgressBar:
    """A progress callback (fraction, message) drawn on stderr, only when it is a terminal."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.enabled = sys.stderr.isatty()
        self.last = -1

    def __call__(self, fraction: float, message: str = "") -> None:
        percent = int(max(0.0, min(1.0, fraction)) * 100)
        if not self.enabled or percent == self.last:
            return
        self.last = percent
        filled = percent // 4
        click.echo(f"\r{self.label} [{'#' * filled}{'.' * (25 - filled)}] {percent:3d}% {message[:40]:<40}",
                   err=True, nl=False)
        if percent >= 100:
            click.echo("", err=True)


class KChoice(click.ParamType):
    """``auto`` or a number of personas from 2 to 20, checked while parsing."""

    name = "auto|N"

    def convert(self, value: Any, param: Any, ctx: Any) -> int | str:
        if value == "auto" or isinstance(value, int):
            return value
        try:
            k = int(value)
        except ValueError:
            k = 0
        if not 2 <= k <= 20:
            self.fail(_localised("cli.k", value=str(value)), param, ctx)
        return k


def _inputs(survey: Path, codebook: Any, contacts: Path | None, lenient: bool, engine: str = "duckdb",
            contacts_table: str | None = None, sheet: str | None = None):
    from workshop_data.intake import load_inputs

    return load_inputs(survey, codebook, contacts, lenient=lenient, engine=engine, contacts_table=contacts_table,
                       sheet=sheet)


def _report_layout(source: dict) -> None:
    """Which sheet and header row of a workbook were read: the sheet found may not be the one meant."""
    if source.get("sheet"):
        say("report.layout", sheet=source["sheet"], row=str(source["header_row"]), respondents=source["rows"])


def _report_inputs(inputs: Any) -> None:
    """Soft problems and privacy measures, on stderr: people must see them, scripts can ignore them."""
    _report_layout(inputs.survey.source)
    privacy = inputs.survey.privacy
    for removed in privacy.removed_columns:
        say("report.removed", column=removed["column"], reason=_reason(removed))
    for kind, count in sorted(privacy.scrubbed.items()):
        if count:
            say(f"report.scrubbed.{kind}", n=count)
    warnings = list(inputs.survey.quality.warnings)
    if inputs.contacts is not None:
        warnings += inputs.contacts.report.warnings
    for warning in warnings:
        say("report.warning", message=warning)


def _reason(removed: dict) -> Any:
    """Why a column was removed, in the message language when its kind has a catalogue entry."""
    from workshop_data.messages import catalogue, msg

    key = f"report.reason.{removed.get('kind')}"
    return msg(key) if key in catalogue("en") else removed["reason"]


survey_arg = click.argument("survey", type=click.Path(path_type=Path))
codebook_opt = click.option("--codebook", type=click.Path(path_type=Path), help="Codebook YAML (inferred when absent).")
contacts_opt = click.option("--contacts", type=click.Path(path_type=Path), help="Contact log: CSV, Parquet or a glob.")
sheet_opt = click.option("--sheet", type=Words(), default=None, help="Workbook sheet to read (found when absent).")
lenient_opt = click.option("--lenient", is_flag=True, help="Values that do not fit the codebook become missing.")


def engine_opts(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--engine`` and ``--contacts-table``: where the contact features are computed, and from what."""
    command = click.option("--contacts-table", default=None, metavar="NAME",
                           help="Read the contact log from this table of the engine's database.")(command)
    return click.option("--engine", default="duckdb", show_default=True, metavar="ENGINE",
                        help="duckdb | spark | spark://HOST:PORT | sc://HOST:PORT | a database URL.")(command)


@click.group(cls=_Root, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="persona-workshop")
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None,
              help="Language of messages (default: the locale, LC_ALL/LC_MESSAGES/LANG).")
def main(lang: str | None) -> None:
    """Persona workshops for public services: from a survey and a contact log to persona sheets."""


@main.command()
@click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option("--respondents", type=click.IntRange(20, 1_000_000), default=1500, show_default=True)
@click.option("--seed", type=Seed(), default=0, show_default=True)
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None,
              help="Language of the workshop (default fr) and of messages (default: the locale).")
@domain_errors
def demo(out_dir: Path, respondents: int, seed: int, lang: str | None) -> None:
    """Write a sample survey, its codebook, a contact log and the planted truth."""
    from workshop_data.sample import generate_demo, write_demo

    lang = lang or "fr"
    written = write_demo(generate_demo(respondents, seed=seed, lang=lang), out_dir, lang=lang)
    for path in written.values():
        click.echo(str(path))


@main.command()
@survey_arg
@contacts_opt
@sheet_opt
@click.option("--out", type=OutPath(), required=True)
@domain_errors
def codebook(survey: Path, contacts: Path | None, sheet: str | None, out: Path) -> None:
    """Draft a codebook from the data alone, for people to correct."""
    from workshop_data.codebook import save_codebook
    from workshop_data.infer import infer_codebook
    from workshop_data.intake import infer_mapping
    from workshop_data.readers import read_table

    frame = read_table(survey, sheet=sheet)
    _report_layout({**frame.attrs, "rows": len(frame)})
    book = infer_codebook(frame)
    if contacts is not None:
        ids = frame[book.respondent_id].astype("string").tolist() if book.respondent_id in frame.columns else None
        book.contacts = infer_mapping(contacts, respondent_ids=ids)
    save_codebook(book, out)
    counts: dict[str, int] = {}
    for spec in book.columns.values():
        counts[spec.type] = counts.get(spec.type, 0) + 1
    summary = ", ".join(f"{n} {t}" for t, n in sorted(counts.items()))
    click.echo(f"{out}: {len(book.columns)} columns ({summary}); id column '{book.respondent_id}'")
    _print_draft_roles_and_dimensions(book)


def _print_draft_roles_and_dimensions(book: Any) -> None:
    """What people should check first in a draft: which columns only describe, which items go together."""
    descriptors = [spec.name for spec in book.descriptors()]
    if descriptors:
        click.echo(f"Descriptors (profiled per persona, not clustered): {', '.join(descriptors)}")
    if not book.dimensions:
        return
    click.echo("Dimensions (check them; correct 'role', 'dimension', 'reverse' and 'dimensions:' in the codebook):")
    for name, dim in book.dimensions.items():
        label = f" \"{dim.label.get('fr') or dim.label.get('en')}\"" if dim.label else ""
        items = ", ".join(f"{i} (reversed)" if book.columns[i].reverse else i for i in dim.items)
        alpha = f"; alpha {dim.alpha:.2f}" if dim.alpha is not None else ""
        click.echo(f"  {name}{label}: {items}{alpha}")


@main.command()
@survey_arg
@codebook_opt
@contacts_opt
@engine_opts
@lenient_opt
@sheet_opt
@click.option("--out", type=OutPath(), required=True,
              help="FEATURES.parquet or FEATURES.csv")
@domain_errors
def features(survey: Path, codebook: Path | None, contacts: Path | None, engine: str, contacts_table: str | None,
             lenient: bool, sheet: str | None, out: Path) -> None:
    """Write one row per respondent: the encoded survey and the contact features."""
    from clustering.encoding import encode
    from workshop_data.contacts import feature_table
    from workshop_data.errors import DataError
    from workshop_data.files import atomic_write_bytes
    from workshop_data.messages import msg

    if out.suffix.lower() not in (".parquet", ".csv"):
        raise DataError(msg("cli.features_format"), file=str(out), expected=msg("cli.expected_features_file"))
    inputs = _inputs(survey, codebook, contacts, lenient, engine, contacts_table, sheet)
    _report_inputs(inputs)
    frame = feature_table(encode(inputs.survey, inputs.contact_table).frame(), inputs.contact_table)
    if out.suffix.lower() == ".csv":
        data = frame.to_csv(index=False).encode("utf-8")
    else:
        import io

        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        data = buffer.getvalue()
    atomic_write_bytes(out, data)
    click.echo(f"{out}: {len(frame)} respondents, {len(frame.columns) - 1} features")


@main.command()
@survey_arg
@codebook_opt
@contacts_opt
@engine_opts
@lenient_opt
@sheet_opt
@click.option("--k", "k", type=KChoice(), default="auto", show_default=True,
              help="'auto' (chosen in --k-range) or a number of personas.")
@click.option("--k-range", "k_range", type=KRange(), default=(3, 8),
              show_default=True, help="Range of k that auto chooses from (--k-range 2 10 to widen).")
@click.option("--typology", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="A workgroup's own typology YAML (format of personas/archetypes.yaml), to name the personas.")
@click.option("--method", type=MethodChoice(), default="default", show_default=True,
              help="default | kmeans | gmm | lca")
@click.option("--seed", type=Seed(), default=0, show_default=True)
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None,
              help="Language of the workshop (default: the survey's, English for an English questionnaire, "
                   "else French) and of messages (default: the locale).")
@click.option("--min-size", type=click.IntRange(1, 10_000), default=10, show_default=True,
              help="Smallest persona; smaller clusters are merged into their nearest.")
@click.option("--bootstrap", type=click.IntRange(0, 1000), default=20, show_default=True,
              help="Resamples for stability (0 to skip).")
@click.option("--title", type=Words(), default=None, help="Workshop title.")
@click.option("--out", type=OutPath(), required=True)
@domain_errors
def cluster(survey: Path, codebook: Path | None, contacts: Path | None, engine: str, contacts_table: str | None,
            lenient: bool, sheet: str | None, k: int | str, k_range: tuple[int, int], typology: Path | None,
            method: str, seed: int, lang: str | None, min_size: int, bootstrap: int, title: str | None,
            out: Path) -> None:
    """Cluster respondents into usage profiles and write the workshop file."""
    from personas.archetypes import load_typology
    from personas.build import build_workshop
    from personas.store import save_workshop
    from workshop_data.language import survey_language

    names = load_typology(typology)
    inputs = _inputs(survey, codebook, contacts, lenient, engine, contacts_table, sheet)
    _report_inputs(inputs)
    workshop = build_workshop(
        inputs.survey, inputs.contacts, k=k, method=method, seed=seed,
        lang=lang or survey_language(inputs.survey.codebook, inputs.survey.data), title=title,
        min_size=min_size, bootstrap=bootstrap, k_range=k_range, typology=names, progress=ProgressBar("Clustering"),
    )
    save_workshop(workshop, out)
    click.echo(f"{out}: {len(workshop.personas)} personas from {len(workshop.assignments)} respondents")
    _print_personas(workshop)
    _print_structure(workshop)
    _report_clustering(workshop, inputs.survey.codebook)


def _print_structure(workshop: Any) -> None:
    """The structure verdict in plain words, in the workshop's language."""
    from personas.structure import structure_words

    lines = structure_words(workshop.settings, workshop.lang)
    if lines:
        click.echo("")
    for line in lines:
        click.echo(line)


def _report_clustering(workshop: Any, book: Any) -> None:
    """What the user did not ask for but got (clusters merged) and why archetype names may be missing."""
    from workshop_data.codebook import DIMENSIONS

    messages = workshop.settings.get("messages") or []
    for message in messages:
        click.echo(f"Note: {message}", err=True)
    if messages:
        click.echo(f"Note: {len(workshop.personas)} persona(s) kept of {len(workshop.personas) + len(messages)} "
                   f"found; lower --min-size (now {workshop.min_group_size}) to keep small ones", err=True)
    typology = workshop.settings.get("typology") or {}
    missing = [dim for dim in DIMENSIONS if dim not in book.by_dimension()]
    if missing and typology.get("source", "builtin") == "builtin":
        click.echo(
            f"Note: no codebook item measures {', '.join(missing)}; archetypes that rest on these traits cannot "
            "be recognised (set 'dimension:' on the items that measure them, see README)", err=True,
        )


def _persona_table(workshop: Any, *, evidence: bool) -> list[str]:
    """One aligned line per persona. A persona under the minimum group size shows no figure, as in
    the exports: its size reads "< N" and its statistics are withheld."""
    header = ["id", "name", "archetype (fit)", "size", "share", "stability"]
    if evidence:
        header += ["prevalence", "validated", "not recomputed"]
    rows = [header]
    for p in workshop.personas:
        fit = "" if p.archetype_fit is None else f" ({p.archetype_fit:.2f})"
        small = p.size < workshop.min_group_size
        row = [p.id, p.name, (p.archetype or "-") + ("" if small else fit),
               f"< {workshop.min_group_size}" if small else str(p.size),
               "-" if small else f"{p.share * 100:.1f}%",
               "-" if small or p.stability is None else f"{p.stability:.2f}"]
        if evidence:
            prevalence = f"{p.prevalence} ({p.prevalence_share * 100:.0f}%)"
            row += ["-" if small else prevalence, "yes" if p.validated else "no",
                    ", ".join(p.not_recomputed) or ""]
        rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    right = {"size", "share", "stability", "prevalence"}
    return ["  " + "  ".join(cell.rjust(w) if header[i] in right else cell.ljust(w)
                             for i, (cell, w) in enumerate(zip(row, widths))).rstrip()
            for row in rows]


def _print_personas(workshop: Any) -> None:
    for line in _persona_table(workshop, evidence=False)[1:]:
        click.echo(line)


workshop_arg = click.argument("workshop", type=click.Path(path_type=Path, dir_okay=False))


@main.command()
@workshop_arg
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None,
              help="Language of what is printed (default: the language of messages).")
@domain_errors
def show(workshop: Path, lang: str | None) -> None:
    """Print the personas, their evidence and the table of k tried."""
    from exports.terminal import summary_lines
    from personas.store import load_workshop

    ws = load_workshop(workshop)
    for line in summary_lines(ws, message_language(lang)):
        click.echo(line)


@main.group(cls=_Group)
@click.argument("workshop", type=click.Path(path_type=Path, dir_okay=False))
@click.pass_context
def edit(ctx: click.Context, workshop: Path) -> None:
    """Change WORKSHOP: every edit is saved at once and recorded, so undo and redo survive a restart."""
    ctx.obj = workshop


def _edit(operation: Callable[[Any], Any], done: str) -> None:
    from personas.store import edit_workshop

    workshop: Path = click.get_current_context().obj
    ws = edit_workshop(workshop, operation)
    click.echo(f"{workshop}: {done} (revision {ws.revision})")


def _features(survey: Path | None, contacts: Path | None):
    from personas.build import load_features
    from personas.store import load_workshop

    workshop: Path = click.get_current_context().obj
    return load_features(load_workshop(workshop), workshop.parent, survey_path=survey, contacts_path=contacts)


def _with_data_opts(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option("--contacts", type=click.Path(path_type=Path),
                           help="Contact log, if not next to the workshop.")(command)
    return click.option("--survey", type=click.Path(path_type=Path),
                        help="Survey file, if not next to the workshop.")(command)


@edit.command()
@click.argument("persona", type=Words())
@click.argument("name", type=Words())
@domain_errors
def rename(persona: str, name: str) -> None:
    """Rename persona P."""
    from personas import operations

    _edit(lambda ws: operations.rename(ws, persona, name), f"{persona} renamed")


@edit.command(name="set")
@click.argument("persona", type=Words())
@click.argument("field", type=click.Choice(NARRATIVE_FIELDS))
@click.argument("value", type=Words())
@domain_errors
def set_(persona: str, field: str, value: str) -> None:
    """Set a narrative field of persona P (lists: one item per line)."""
    from personas import operations

    _edit(lambda ws: operations.set_field(ws, persona, field, value), f"{persona}.{field} set")


@edit.command()
@click.argument("persona", type=Words())
@click.argument("service", type=Words())
@click.argument("text", type=Words())
@domain_errors
def note(persona: str, service: str, text: str) -> None:
    """Add a note to persona P, signed by SERVICE."""
    from personas import operations

    _edit(lambda ws: operations.add_note(ws, persona, service, text), f"note added to {persona}")


@edit.command()
@click.argument("keep", type=Words())
@click.argument("other", type=Words())
@_with_data_opts
@domain_errors
def merge(keep: str, other: str, survey: Path | None, contacts: Path | None) -> None:
    """Merge persona P2 into P1 (statistics recomputed from the members when the data is at hand)."""
    from personas import operations
    from workshop_data.errors import DataError

    try:
        features = _features(survey, contacts)
    except DataError as exc:
        click.echo(f"Note: source data not available ({exc}); statistics combined from the two personas.", err=True)
        features = None
    _edit(lambda ws: operations.merge(ws, keep, other, features=features), f"{other} merged into {keep}")


@edit.command()
@click.argument("persona", type=Words())
@click.option("--seed", type=Seed(), default=0, show_default=True)
@_with_data_opts
@domain_errors
def split(persona: str, seed: int, survey: Path | None, contacts: Path | None) -> None:
    """Split persona P in two by re-clustering its members (needs the source data)."""
    from personas import operations

    features = _features(survey, contacts)
    _edit(lambda ws: operations.split(ws, persona, features=features, seed=seed), f"{persona} split")


@edit.command()
@domain_errors
def undo() -> None:
    """Undo the last edit."""
    from personas import operations

    _edit(operations.undo, "undone")


@edit.command()
@domain_errors
def redo() -> None:
    """Redo the last undone edit."""
    from personas import operations

    _edit(operations.redo, "redone")


@main.command()
@workshop_arg
@click.argument("new_survey", type=click.Path(path_type=Path))
@codebook_opt
@contacts_opt
@engine_opts
@lenient_opt
@sheet_opt
@click.option("--out", type=OutPath(), required=True)
@domain_errors
def assign(workshop: Path, new_survey: Path, codebook: Path | None, contacts: Path | None, engine: str,
           contacts_table: str | None, lenient: bool, sheet: str | None, out: Path) -> None:
    """Put a new survey wave into the existing personas, without re-clustering."""
    from personas.assign import assign_wave
    from personas.store import load_workshop, save_workshop
    from workshop_data.codebook import Codebook

    ws = load_workshop(workshop)
    book = codebook if codebook is not None else Codebook.from_dict(ws.codebook, file=str(workshop))
    inputs = _inputs(new_survey, book, contacts, lenient, engine, contacts_table, sheet)
    _report_inputs(inputs)
    new_ws, movement = assign_wave(ws, inputs.survey, inputs.contacts)
    save_workshop(new_ws, out)
    click.echo(f"{out}: {len(new_ws.assignments)} new respondents assigned")
    click.echo(f"  {'id':<4} {'name':<32} {'before':>7} {'now':>7} {'moved':>7}")
    for row in movement:
        click.echo(
            f"  {row['persona_id']:<4} {row['name']:<32} {row['old_share'] * 100:6.1f}% "
            f"{row['new_share'] * 100:6.1f}% {row['delta_points']:+6.1f}"
        )


@main.command()
@workshop_arg
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True)
@click.option("--out", type=OutPath(), required=True,
              help="File to write; for png, the name the pages are numbered from (out-01.png, ...).")
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None, help="Defaults to the workshop's language.")
@click.option("--theme", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Branding YAML: organisation, colours, logo.")
@click.option("--paper", type=click.Choice(["a4", "a3"]), default="a4", show_default=True,
              help="Page size of pdf, html and png: a3 makes wall posters (one persona a page, larger type).")
@click.option("--title", type=Words(), default=None, help="Document title (default: the theme's organisation and the date).")
@click.option("--sep", type=click.Choice([",", ";", "tab"]), default=None,
              help="CSV separator (default: ';' for a French document, as French Excel reads it; ',' in English).")
@click.option("--csv-headers", "headers", type=click.Choice(["keys", "words"]), default="keys", show_default=True,
              help="CSV header: the contract's keys (respondent_id, ...) or words in the document's language.")
@domain_errors
def export(workshop: Path, fmt: str, out: Path, lang: str | None, theme: Path | None, paper: str,
           title: str | None, sep: str | None, headers: str) -> None:
    """Export persona sheets (PDF, HTML, Markdown, PowerPoint, PNG pages and their alternative texts), the
    assignments (CSV) or the workshop (YAML)."""
    from exports import load_theme, write_export
    from personas.store import load_workshop

    ws = load_workshop(workshop)
    written = write_export(ws, fmt, out, lang=lang, theme=load_theme(theme) if theme else None, paper=paper,
                           title=title, sep=sep, headers=headers)
    for path in written:
        click.echo(str(path))


@main.command()
@click.argument("workshop", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (127.0.0.1: this machine only).")
def app(workshop: Path | None, port: int, host: str) -> None:
    """Open the workshop app in the browser (the bundled sample when no workshop is given).

    The server (``server.py``: the app behind its access code) runs as a child process that dies
    with this one, whatever stops it: a signal is passed on and waited for, and a SIGKILL of this
    process ends the server too (Linux), so the port is free again at once."""
    words = _app_words()
    script = Path(__file__).resolve().with_name("server.py")
    command = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.address", host, "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
    ]
    if os.environ.get("CI") or not sys.stdout.isatty():
        command += ["--server.headless", "true"]
    env = dict(os.environ)
    if workshop is not None:
        if not workshop.is_file():
            from workshop_data.errors import DataError
            from workshop_data.messages import msg

            _refuse(DataError(msg("file.not_found"), file=str(workshop)))
        env["PERSONA_WORKSHOP_OPEN"] = str(workshop.resolve())
    click.echo(words("serve.opening", url=f"http://{host}:{port}"))
    code = _serve(command, env)
    click.echo(words("serve.stopped", port=port))
    sys.exit(0 if code in (0, -2, -15, 130, 143) else code)


def _app_words() -> Callable[..., str]:
    from personas.i18n import Translator

    return Translator(message_language(), Path(__file__).resolve().with_name("app_pages") / "locales")


def _serve(command: list[str], env: dict[str, str], *, grace_s: float = 4.0) -> int:
    """Run the server until it exits or this process is told to stop; returns its exit code.

    A stop signal is passed on as SIGTERM; a server still running ``grace_s`` later is killed."""
    import signal
    import time

    child = subprocess.Popen(command, env=env, preexec_fn=_die_with_parent if sys.platform == "linux" else None)
    stopping: list[tuple[int, float]] = []

    def stop(signum: int, _frame: Any) -> None:
        stopping.append((signum, time.monotonic()))
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)

    for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)
    while True:
        try:
            code = child.wait(timeout=0.25)
            return -stopping[0][0] if stopping else code
        except subprocess.TimeoutExpired:
            if stopping and time.monotonic() - stopping[0][1] > grace_s:
                child.kill()


def _die_with_parent() -> None:
    """In the server process, before it starts: the kernel kills it when its parent dies, however the
    parent died (a SIGKILL gives no chance to pass anything on)."""
    import ctypes
    import signal

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


if __name__ == "__main__":
    main()
