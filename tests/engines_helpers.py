"""Real engines for the engine tests: a PostgreSQL server of its own, and one hand-made contact log.

The server is Debian's PostgreSQL started in a temporary folder, listening on 127.0.0.1 only, and
stopped afterwards. PostgreSQL refuses to run as root (CI runs as root): then it runs as the
``postgres`` user, who owns the folder.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from workshop_data.codebook import ContactMapping

MAPPING = ContactMapping(
    respondent_id="usager", timestamp="horodatage", channel="canal", topic="objet", online_available="en_ligne",
    channels={"Appel": "phone", "Guichet": "counter", "Mail": "email", "Téléservice": "web", "Courrier": "mail",
              "Tchat": "chat", "Réseaux": "social"},
)
RESPONDENTS = ["A", "B", "C", "D"]
# (id, timestamp as written, channel label, topic, online)
ROWS = [
    # A: the 7x24 h edge, written without seconds: 03-08 10:00 is a repeat of 03-01 10:00 (exactly
    # 7x24 h), 03-15 10:01 is not (one minute more). French date, date alone, every channel.
    ("A", "2025-03-01 10:00", "Appel", "État civil", "oui"),
    ("A", "2025-03-08 10:00", "Guichet", "État civil", "oui"),
    ("A", "2025-03-15 10:01", "Mail", "État civil", "oui"),
    ("A", "2025-03-16 08:00", "Téléservice", "Déchets", "non"),
    ("A", "2025-03-20 09:00", "Courrier", "Déchets", "non"),
    ("A", "2025-04-02 11:30", "Tchat", "Déchets", "oui"),
    ("A", "2025-04-03 12:00", "Réseaux", "Urbanisme", "non"),
    ("A", "2025-04-04 12:00", "Fax", "Urbanisme", "non"),
    ("A", "2025-04-05 12:00", "web", "Urbanisme", "non"),
    # B: across the end of summer time (10-26): 10-27 10:00 is exactly 7x24 h of wall-clock time
    # after 10-20 10:00 on every engine, whatever its session time zone; a leap day; topic missing.
    ("B", "2025-10-20 10:00", "Appel", "Logement", "non"),
    ("B", "2025-10-27 10:00", "Appel", "Logement", "non"),
    ("B", "2024-02-29 09:00", "Guichet", "", "non"),
    ("B", "2024-03-01 09:00", "Guichet", "", "non"),
    ("B", "14/03/2025 09:32", "Appel", "Logement", "oui"),
    # C: the id written with spaces; unreadable timestamps (31 February, month 13, text, empty, a
    # 29 February outside a leap year, a year out of range).
    (" C ", "2025-05-05 08:15", "Mail", "Cantine", "oui"),
    ("C", "31/02/2025 10:00", "Appel", "Cantine", "oui"),
    ("C", "2025-13-01 10:00", "Appel", "Cantine", "oui"),
    ("C", "n/a", "Appel", "Cantine", "oui"),
    ("C", "", "Appel", "Cantine", "oui"),
    ("C", "2025-02-29 10:00", "Appel", "Cantine", "oui"),
    ("C", "0025-03-01 10:00", "Appel", "Cantine", "oui"),
    # X, Y: ids that match no respondent. D: no contact.
    ("X", "2025-06-01 10:00", "Appel", "Déchets", "oui"),
    ("Y", "2025-06-02 10:00", "Mail", "Déchets", "non"),
    ("Y", "2025-06-03 10:00", "Mail", "Déchets", "non"),
]
BAD_TIMESTAMPS = 6


def log_table():
    """The log as an Arrow table of text columns, as an export would give it."""
    import pyarrow as pa

    names = (MAPPING.respondent_id, MAPPING.timestamp, MAPPING.channel, MAPPING.topic, MAPPING.online_available)
    return pa.table({name: pa.array([row[i] for row in ROWS], type=pa.string()) for i, name in enumerate(names)})


def write_csv_cp1252(table, path: Path) -> Path:
    """';' separated, cp1252, the usual French export."""
    lines = [";".join(table.column_names)]
    lines += [";".join(values) for values in zip(*(table.column(c).to_pylist() for c in table.column_names))]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def postgres_bindir() -> Path:
    """Debian's PostgreSQL programs (the newest version installed)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        raise RuntimeError("PostgreSQL is not installed (Debian: apt-get install postgresql; .ci/run does)")
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server for the duration of the block; yields its URL."""
    bindir = postgres_bindir()
    root = Path(tempfile.mkdtemp(prefix="persona-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = root / "data", _free_port()
    pg_ctl = [*as_user, str(bindir / "pg_ctl"), "-D", str(data)]
    subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                    "-E", "UTF8", "--no-sync"], check=True, capture_output=True)
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off"
    subprocess.run([*pg_ctl, "-w", "-l", str(root / "server.log"), "-o", options, "start"],
                   check=True, capture_output=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*pg_ctl, "-m", "immediate", "-w", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
