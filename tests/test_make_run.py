"""`make run`: the links the portal makes and the commands it prints follow the configuration running.

The recipe is read with `make -n` (nothing is installed or started) and its own lines are then run.
"""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What a developer's shell may hold that would change the answers; each test sets its own.
ASSIGNMENT = re.compile(r"^[A-Z_]+=")
CONFIGURATION = ("SITE_URL", "HOST", "PORT", "REDIS_URL", "DATABASE_URL", "EMAIL_URL", "SECRET_KEY")


def _env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CONFIGURATION and not k.startswith("MAKE")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(values)
    return env


def _recipe(*make_args: str, env: dict[str, str]) -> list[str]:
    result = subprocess.run(  # noqa: S603 - make, on our own Makefile, with nothing executed
        ["make", "-n", "--no-print-directory", "run", *make_args],  # noqa: S607
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.splitlines()


def _line(lines: list[str], needle: str) -> str:
    [line] = [line for line in lines if needle in line]
    return line


def _run_line(line: str, env: dict[str, str]) -> str:
    """Run one line of the recipe as make would, with this interpreter standing in for the venv's."""
    argv = shlex.split(line)
    assignments = dict(word.split("=", 1) for word in argv if ASSIGNMENT.match(word))
    command = [word for word in argv if not ASSIGNMENT.match(word)]
    command[0] = sys.executable
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        command, cwd=ROOT, env={**env, **assignments}, capture_output=True, text=True, timeout=120, check=True
    )
    return result.stdout


def test_make_run_on_another_port_makes_links_to_that_port():
    env = _env()
    lines = _recipe("PORT=8711", env=env)

    server = _line(lines, "manage.py runserver")
    banner = _run_line(_line(lines, "manage.py run_banner"), env)

    assert "SITE_URL=http://127.0.0.1:8711" in shlex.split(server)
    assert shlex.split(server)[-1] == "127.0.0.1:8711"
    assert "http://127.0.0.1:8711/" in banner
    assert ":8000" not in banner


def test_a_site_url_that_is_set_wins_over_the_address_served():
    env = _env(SITE_URL="https://portal.example.org")
    lines = _recipe("PORT=8711", env=env)

    assert "SITE_URL=https://portal.example.org" in shlex.split(_line(lines, "manage.py runserver"))


def test_without_redis_make_run_says_tasks_run_eagerly_and_prints_no_worker():
    banner = _run_line(_line(_recipe(env=_env()), "manage.py run_banner"), _env())

    assert "eagerly" in banner
    assert "celery" not in banner


@pytest.mark.parametrize(
    ("database_url", "printed"),
    [
        ("postgres://portal@127.0.0.1:5432/portal_dev", "DATABASE_URL=postgres://portal@127.0.0.1:5432/portal_dev"),
        # A password is not printed on the console; the developer gives the workers the same one.
        ("postgres://portal:s3cret-pw@db:5432/portal_dev", "DATABASE_URL=postgres://portal:***@db:5432/portal_dev"),
    ],
)
def test_with_redis_make_run_prints_worker_commands_for_the_configuration_running(database_url, printed):
    env = _env(REDIS_URL="redis://127.0.0.1:6379/9", DATABASE_URL=database_url)
    banner = _run_line(_line(_recipe("PORT=8711", env=env), "manage.py run_banner"), env)

    assert "eagerly" not in banner
    commands = [shlex.split(line) for line in banner.splitlines() if "celery" in line]
    assert [command[-5:] for command in commands] == [
        ["-A", "unionportal", "worker", "-l", "info"],
        ["-A", "unionportal", "beat", "-l", "info"],
    ]
    for command in commands:
        assert printed in command
        assert "REDIS_URL=redis://127.0.0.1:6379/9" in command
        assert "SITE_URL=http://127.0.0.1:8711" in command
    assert "s3cret-pw" not in banner
