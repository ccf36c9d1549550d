"""The import contracts (pyproject.toml, checked by ``lint-imports`` in ``make lint`` and ``make test``)
name every app of the portal. An app left out of them would be checked by nothing: import-linter skips a
layer it does not find, and looks only inside the packages it is told of."""

import tomllib
from pathlib import Path

from django.apps import apps
from django.conf import settings


def contracts() -> dict:
    return tomllib.loads((Path(settings.BASE_DIR) / "pyproject.toml").read_text())["tool"]["importlinter"]


def portal_apps() -> set[str]:
    return {config.name for config in apps.get_app_configs() if Path(config.path).parent == Path(settings.BASE_DIR)}


def test_every_app_of_the_portal_is_in_every_import_contract():
    config = contracts()
    ours = portal_apps()
    assert {"accounts", "unions", "members", "reports"} <= ours
    assert ours <= set(config["root_packages"])
    for contract in config["contracts"]:
        named = {
            "layers": {layer.strip("()") for layer in contract.get("layers", [])},
            "forbidden": set(contract.get("source_modules", [])),
            "acyclic_siblings": set(contract.get("ancestors", [])),
        }[contract["type"]]
        assert ours <= named, (contract["name"], ours - named)


def test_the_layers_are_the_stack_of_the_design():
    [layers] = [contract["layers"] for contract in contracts()["contracts"] if contract["type"] == "layers"]
    assert [layer.strip("()") for layer in layers] == [
        "unionportal",
        "reports",
        "campaigns",
        "integrity",
        "cadres",
        "members",
        "unions",
        "accounts",
    ]
