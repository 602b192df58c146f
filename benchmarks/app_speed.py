"""App speed on the bundled sample: clustering with k=auto (progress shown), and an edit's re-render.

Targets (issues 5 and 14): clustering with k=auto finishes in under 10 s with progress shown; with
three sessions open on the workshop (a workshop room), an edit (rename, note) re-renders in under
0.3 s, and so does another session's rerun that shows it. Re-renders are measured with Streamlit's
AppTest, which runs the real script in-process: a fair proxy for the server's work (the browser's
paint is not included).

    python benchmarks/app_speed.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def cluster_sample(home: Path) -> tuple[Path, float, int, float, float]:
    """Cluster the bundled sample as the app does on first open; returns path, seconds, progress calls."""
    from personas.build import build_workshop
    from personas.store import save_workshop
    from workshop_data.intake import load_inputs
    from workshop_data.sample import sample_paths

    paths = sample_paths()
    calls: list[float] = []
    started, cpu = time.perf_counter(), time.process_time()
    inputs = load_inputs(paths["survey"], paths["codebook"], paths["contacts"])
    read = time.perf_counter() - started
    ws = build_workshop(inputs.survey, inputs.contacts, k="auto", seed=0, lang="fr",
                        progress=lambda fraction, message: calls.append(fraction))
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    path = home / "workshops" / "exemple.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    save_workshop(ws, path)
    (home / "last-workshop.txt").write_text(str(path), encoding="utf-8")
    return path, seconds, len(calls), read, cpu


def _timed(at) -> tuple[float, float]:
    """Wall time and CPU time (all threads of this process) of one script run."""
    wall, cpu = time.perf_counter(), time.process_time()
    at.run()
    return time.perf_counter() - wall, time.process_time() - cpu


def _session(AppTest, service: str):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.context = {"locale": "fr-FR"}
    at.run()
    at.switch_page("app_pages/refine.py").run()
    at.selectbox(key="w_service").set_value(service).run()
    return at


def edit_timings(repeat: int, sessions: int = 3) -> dict[str, list[tuple[float, float]]]:
    """Edits in one of ``sessions`` sessions open on the same workshop; the others follow each edit
    (as their live check would), so the edit is timed with the room's load around it."""
    from streamlit.testing.v1 import AppTest

    services = ["Accueil", "État civil", "Action sociale", "Communication numérique"]
    room = [_session(AppTest, services[i % len(services)]) for i in range(sessions)]
    at, others = room[0], room[1:]
    out: dict[str, list[tuple[float, float]]] = {"idle rerun": [], "open a field": [], "rename": [], "note": [],
                                                 "edit, in another session": []}
    pid = at.session_state["app"].workshop.personas[0].id
    for i in range(repeat):
        out["idle rerun"].append(_timed(at))

        at.button(key=f"w_open_{pid}_name").click()
        out["open a field"].append(_timed(at))
        next(w for w in at.text_input if str(w.key).startswith(f"w_draft_{pid}_name_")).set_value(f"Persona renommé {i}")
        next(b for b in at.button if str(b.key).startswith(f"w_save_{pid}_name_")).click()
        out["rename"].append(_timed(at))
        assert at.session_state["app"].workshop.personas[0].name == f"Persona renommé {i}"
        for other in others:
            out["edit, in another session"].append(_timed(other))
            assert other.session_state["app"].workshop.personas[0].name == f"Persona renommé {i}"

        at.text_area(key=f"w_new_note_{pid}").set_value(f"Note de test {i}")
        at.button(key=f"w_add_note_{pid}").click()
        out["note"].append(_timed(at))
        for other in others:
            other.run()
    for session in room:
        assert not session.exception, [e.value for e in session.exception]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        os.environ["PERSONA_WORKSHOP_HOME"] = str(home)
        path, seconds, progress_calls, read, cluster_cpu = cluster_sample(home)
        from personas.store import load_workshop

        ws = load_workshop(path)
        print(f"sample: {len(ws.assignments)} respondents, {len(ws.personas)} personas (k=auto)")
        print(f"load average: {' '.join(f'{v:.1f}' for v in os.getloadavg())} on {os.cpu_count()} cores")
        print(f"{'step (3 sessions open)':<34}{'wall s':>9}{'max s':>9}{'cpu s':>9}{'target':>8}  ok")
        print(f"{'read survey + contact log':<34}{read:>9.2f}{read:>9.2f}{'':>9}")
        ok = seconds < 10 and progress_calls > 0
        print(f"{'cluster k=auto (incl. reading)':<34}{seconds:>9.2f}{seconds:>9.2f}{cluster_cpu:>9.2f}{10:>8}  "
              f"{'yes' if ok else 'NO'} ({progress_calls} progress updates)")
        for step, values in edit_timings(args.repeat).items():
            walls = [w for w, _ in values]
            cpus = [c for _, c in values]
            target = None if step == "idle rerun" else 0.3
            median = statistics.median(walls)
            flag = "" if target is None else ("  yes" if median < target else "  NO")
            print(f"{'re-render after ' + step:<34}{median:>9.3f}{max(walls):>9.3f}"
                  f"{statistics.median(cpus):>9.3f}{target or '':>8}{flag}")
        print("wall: median over runs; cpu: CPU seconds of the whole process (all threads), which the"
              " machine's load does not inflate")


if __name__ == "__main__":
    main()
