"""What every bench shares: its own database, its environment, and running a step in a fresh process.

A step is a function ``step_…(**params) -> dict`` in a bench module. ``measure(step, **params)`` runs
it in a new Python process (``python -m bench.harness --step module:function``), so its wall time and
peak memory are its own, and returns the dict with ``seconds`` and ``peak_rss_mb`` added.
"""

import argparse
import importlib
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/unionportal"
BENCH_DATABASE = "unionportal_bench"
WORK = Path(os.environ.get("BENCH_WORK_DIR", "/tmp/unionportal-bench"))  # noqa: S108 - generated files only


def configure(database: str = BENCH_DATABASE) -> str:
    """Point Django at the bench database (same server and user as DATABASE_URL); return its URL."""
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit("bench/roster.py measures PostgreSQL only: set DATABASE_URL=postgres://... (SQLite is refused).")
    bench_url = urlunsplit(parts._replace(path="/" + database))
    WORK.mkdir(parents=True, exist_ok=True)
    keys_path = WORK / "keys.json"
    if not keys_path.exists():
        from cryptography.fernet import Fernet

        keys = {"FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(), "ID_HASH_KEY": secrets.token_urlsafe(48)}
        keys_path.write_text(json.dumps(keys))
        keys_path.chmod(0o600)
    keys = json.loads(keys_path.read_text())
    os.environ.update(
        {
            "DATABASE_URL": bench_url,
            "DJANGO_SETTINGS_MODULE": "unionportal.settings",
            "MEDIA_ROOT": str(WORK / "media"),
        }
    )
    # Production settings: with DEBUG on, Django keeps a log entry for every query it runs.
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + keys["ID_HASH_KEY"])
    os.environ.setdefault("FIELD_ENCRYPTION_KEY", keys["FIELD_ENCRYPTION_KEY"])
    os.environ.setdefault("ID_HASH_KEY", keys["ID_HASH_KEY"])
    # Production refuses the SMS backend that logs codes; the bench sends nothing anywhere.
    os.environ.setdefault("SMS_BACKEND", "accounts.sms.MemoryBackend")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    return bench_url


def ensure_database(url: str, *, fresh: bool) -> None:
    """Create the bench database when missing; with ``fresh``, drop it first (the bench rebuilds all
    its data on every run anyway, and a fresh database also follows migrations edited in place)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if name != BENCH_DATABASE:
        sys.exit(f"refusing to work in {name}: the bench drops and fills {BENCH_DATABASE} only")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        if fresh:
            note(f"dropping database {name}")
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        elif conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
    command = ["createdb", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    command += ["-U", parts.username or "postgres", name]
    env = dict(os.environ, PGPASSWORD=parts.password or "")
    note(f"creating database {name}")
    subprocess.run(command, check=True, env=env)  # noqa: S603, S607 - fixed command, from PATH like psql


def note(text: str) -> None:
    print(f"· {text}", file=sys.stderr, flush=True)


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def rss_mb() -> float:
    return _status_mb("VmRSS")


def peak_rss_mb() -> float:
    """The process's peak resident memory. VmHWM, not getrusage's ru_maxrss: on Linux ru_maxrss
    carries over the parent's peak through fork and exec, so a small step would show the parent's."""
    return _status_mb("VmHWM")


def child(step: str, params: dict, profile_to: str | None) -> None:
    """Run one step in this (fresh) process and print its figures as the last line of output."""
    import django

    django.setup()
    base = rss_mb()
    load = os.getloadavg()[0]
    started = time.perf_counter()
    if profile_to:
        import cProfile
        import io
        import pstats

        profiler = cProfile.Profile()
        result = profiler.runcall(resolve(step), **params)
        profiler.dump_stats(profile_to + ".pstats")
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text).strip_dirs()
        stats.sort_stats("tottime").print_stats(30)
        stats.sort_stats("cumulative").print_stats(40)
        Path(profile_to + ".txt").write_text(text.getvalue())
        result["top_tottime"] = _top(profiler, 15)
    else:
        result = resolve(step)(**params)
    result.setdefault("seconds", time.perf_counter() - started)
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    result["start_rss_mb"] = round(base, 1)
    # Other work on the machine slows every figure: the one-minute load average before and after.
    result["load"] = [round(load, 2), round(os.getloadavg()[0], 2)]
    print("RESULT " + json.dumps(result, default=str), flush=True)


def _top(profiler, n: int) -> list[dict]:
    import pstats

    stats = pstats.Stats(profiler)
    rows = []
    for (filename, line, function), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():
        short = filename.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
        rows.append({"function": f"{short}:{line}:{function}", "calls": calls, "tottime": tottime, "cumtime": cumtime})
    rows.sort(key=lambda row: row["tottime"], reverse=True)
    return [{**row, "tottime": round(row["tottime"], 3), "cumtime": round(row["cumtime"], 3)} for row in rows[:n]]


def step_name(step) -> str:
    """``module:function`` for a step function (a bench script run directly is ``__main__``)."""
    if isinstance(step, str):
        return step
    module = step.__module__
    if module == "__main__":
        module = "bench." + Path(sys.modules["__main__"].__file__).stem
    return f"{module}:{step.__name__}"


def resolve(name: str):
    module, function = name.split(":")
    return getattr(importlib.import_module(module), function)


def measure(step, *, profile_to: str | None = None, **params) -> dict:
    """Run ``step`` (a function or ``module:function``) in a fresh process; its figures as a dict."""
    step = step_name(step)
    command = [sys.executable, "-m", "bench.harness", "--step", step, "--params", json.dumps(params)]
    if profile_to:
        command += ["--profile-to", profile_to]
    process = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy(), cwd=ROOT)  # noqa: S603
    lines = [line for line in process.stdout.splitlines() if line.startswith("RESULT ")]
    if process.returncode or not lines:
        sys.stderr.write(process.stdout[-4000:] + process.stderr[-8000:])
        sys.exit(f"step {step} failed")
    result = json.loads(lines[-1][len("RESULT ") :])
    if result.get("rows") and result.get("seconds"):
        result["rows_per_second"] = round(result["rows"] / result["seconds"])
    result["seconds"] = round(result["seconds"], 2)
    return result


def machine() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    memory = 0
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory = round(int(line.split()[1]) / 1048576, 1)
    import django
    import import_export

    return {
        "cores": os.cpu_count(),
        "memory_gib": memory,
        "postgresql": server,
        "database_host": connection.settings_dict.get("HOST") or "local socket",
        "python": sys.version.split()[0],
        "django": django.get_version(),
        "django_import_export": import_export.__version__,
        "cache": "redis" if os.environ.get("REDIS_URL") else "local memory",
        "debug": os.environ.get("DEBUG"),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Run one bench step in this process (used by measure()).")
    parser.add_argument("--step", required=True)
    parser.add_argument("--params", default="{}")
    parser.add_argument("--profile-to")
    arguments = parser.parse_args()
    configure()
    child(arguments.step, json.loads(arguments.params), arguments.profile_to)
