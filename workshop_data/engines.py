"""Where the contact log is aggregated: DuckDB on this machine, a Spark cluster, or a database.

A national agency's contact log lives in a warehouse or a lake and is never exported for a
workshop, so the feature expression goes to the data: the engine runs it and only the
per-respondent table comes back, as Arrow. The expression itself is the same Ibis expression for
every engine (:mod:`workshop_data.contacts`); what differs, and lives here, is how to connect, how
to open files, how to send the survey's ids and how to bring a result back.

Engine names:

- ``duckdb`` (the default): embedded, reads CSV and Parquet files in place;
- ``spark``: a local Spark session; ``spark://host:port`` a standalone cluster;
  ``sc://host:port`` a Spark Connect server. Needs ``pip install persona-workshop[spark]`` and Java;
- any URL ``ibis.connect`` takes (``postgresql://user@host/db``, ``duckdb:///path.db``…), with the
  log in a table of that database (``--contacts-table``).

Spark goes through Arrow both ways (``createDataFrame`` from an Arrow table, ``toArrow``): PySpark 4
does not support pandas 3, and the Ibis PySpark backend would go through pandas.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .errors import DataError
from .messages import msg

DEFAULT_ENGINE = "duckdb"
# DuckDB's own memory, beyond which it spills to a temporary folder: a 50 M-row log then stays
# under 3 GB of resident memory in all (the window over the log is the largest part).
DUCKDB_MEMORY_LIMIT = "2GB"
SPARK_SCHEMES = ("spark://", "sc://")
# Small shuffles: the per-respondent aggregate is small, and Spark's default of 200 partitions
# costs seconds of scheduling on a laptop.
SPARK_LOCAL_CONF = {
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "8",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    # On this machine only: no network interface needed, no warning about the host name.
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.host": "127.0.0.1",
}


@dataclass
class Engine:
    """A connection and what kind of engine is behind it (``duckdb``, ``spark`` or ``sql``)."""

    name: str  # as given, without a password: safe to show and to store in a workshop
    kind: str
    con: Any
    session: Any = None  # the SparkSession, for Spark

    @property
    def reads_files(self) -> bool:
        return self.kind in ("duckdb", "spark")


def connect(engine: str | Engine | None = None) -> Engine:
    """Open the engine a user named (see the module docstring); refuse an unknown one plainly."""
    if isinstance(engine, Engine):
        return engine
    name = (engine or DEFAULT_ENGINE).strip()
    import ibis

    if name == "duckdb":
        return Engine("duckdb", "duckdb", _duckdb())
    if name == "spark" or name.startswith(SPARK_SCHEMES):
        return _spark(name)
    if "://" not in name:
        raise DataError(msg("engine.unknown", name=name), expected=msg("engine.expected_engine"))
    shown = safe_name(name)
    try:
        con = ibis.connect(name)
    except Exception as exc:  # a driver missing, a server refusing: one message, no traceback
        raise DataError(msg("engine.no_connection", reason=first_line(exc)), file=shown,
                        expected=msg("engine.expected_database")) from None
    return Engine(shown, "duckdb" if con.name == "duckdb" else "sql", con)


def _duckdb() -> Any:
    """An in-memory DuckDB with a memory limit, spilling to a temporary folder removed with it."""
    import shutil
    import tempfile
    import weakref

    import ibis

    spill = tempfile.mkdtemp(prefix="persona-workshop-duckdb-")
    con = ibis.duckdb.connect(memory_limit=DUCKDB_MEMORY_LIMIT, temp_directory=spill)
    weakref.finalize(con, shutil.rmtree, spill, True)
    return con


def safe_name(url: str) -> str:
    """The URL without its password, so that it can be printed and stored."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _spark(name: str) -> Engine:
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
            import ibis
            from pyspark.sql import SparkSession
    except ImportError:
        raise DataError(msg("engine.no_pyspark"), expected=msg("engine.expected_pyspark")) from None
    builder = SparkSession.builder.appName("persona-workshop")
    if name.startswith("sc://"):
        builder = builder.remote(name)
    else:
        builder = builder.master("local[*]" if name == "spark" else name)
        for key, value in SPARK_LOCAL_CONF.items():
            if name == "spark" or "driver" not in key:
                builder = builder.config(key, value)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
            session = builder.getOrCreate()
            con = ibis.pyspark.connect(session)
    except Exception as exc:  # no Java, cluster unreachable
        raise DataError(msg("engine.no_spark", reason=first_line(exc)), file=name,
                        expected=msg("engine.expected_java")) from None
    return Engine(name, "spark", con, session)


def read_parquet(engine: Engine, paths: list[str]) -> Any:
    """Parquet files as one lazy table."""
    if engine.kind == "spark":
        return _spark_view(engine, engine.session.read.parquet(*paths))
    return engine.con.read_parquet(paths)


def read_csv(engine: Engine, paths: list[str], *, delimiter: str, encoding: str, header: tuple[str, ...]) -> Any:
    """CSV files as one lazy table of text columns, named by ``header`` (the files are not sniffed again)."""
    if engine.kind == "spark":
        from pyspark.sql.types import StringType, StructField, StructType

        schema = StructType([StructField(name, StringType()) for name in header])
        # Spark 4 accepts only a few charsets unless told to use Java's (cp1252 is among them).
        engine.session.conf.set("spark.sql.legacy.javaCharsets", "true")
        frame = engine.session.read.csv(paths, schema=schema, sep=delimiter, header=True, quote='"',
                                        escape='"', encoding=_JAVA_CHARSETS.get(encoding, encoding))
        return _spark_view(engine, frame)
    return engine.con.read_csv(paths, delim=delimiter, header=True, auto_detect=False,
                               columns={name: "VARCHAR" for name in header},
                               encoding=encoding, quote='"', escape='"')


_JAVA_CHARSETS = {"utf-8": "UTF-8", "utf-16": "UTF-16", "latin-1": "windows-1252", "cp1252": "windows-1252"}


def table(engine: Engine, name: str) -> Any:
    """A table of the engine's database (or of Spark's catalog), refused by name when absent."""
    try:
        return engine.con.table(name)
    except Exception as exc:
        raise DataError(msg("engine.no_table", name=name, reason=first_line(exc)), file=engine.name,
                        expected=msg("engine.expected_table")) from None


def upload(engine: Engine, data: Any) -> Any:
    """Send a small Arrow table (the survey's ids) to the engine, as a table the expression can join."""
    import ibis

    if engine.kind == "spark":
        return _spark_view(engine, engine.session.createDataFrame(data))
    return ibis.memtable(data)


def to_arrow(engine: Engine, expr: Any) -> Any:
    """Run the expression and bring its (small) result back as an Arrow table."""
    if engine.kind == "spark":
        return engine.session.sql(engine.con.compile(expr)).toArrow()
    return engine.con.to_pyarrow(expr)


def _spark_view(engine: Engine, frame: Any) -> Any:
    import ibis

    name = ibis.util.gen_name("contacts")
    frame.createOrReplaceTempView(name)
    return engine.con.table(name)


def first_line(exc: Exception) -> Any:
    """The engine's own first line about a failure, as a reason to show: scrubbed (an engine quotes
    the value it could not convert, which can be anything a person typed), never a class name."""
    from .pii import scrub_text

    text = str(exc).strip()
    return scrub_text(text.splitlines()[0])[0][:300] if text else msg("engine.no_detail")
