"""Help that answers the obvious: every command shows examples, describes every option, shows
every default, and fits an 80-column terminal."""

import argparse

import pytest

from exactopen.cli import build_parser


def _commands():
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return parser, sub.choices


COMMANDS = sorted(_commands()[1])


def _help(parser, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    return parser.format_help()


def test_every_command_is_listed():
    assert {"rank", "certify", "lift", "probe", "verify", "explain", "widths", "counterexample",
            "classify", "network-open", "scan", "gallery", "demo"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_examples_and_describes_every_option(command, monkeypatch):
    parser = _commands()[1][command]
    text = _help(parser, monkeypatch)
    examples = text.split("examples:\n", 1)[1].splitlines() if "examples:\n" in text else []
    runs = [line for line in examples if line.startswith(f"  exactopen {command}") or
            line.startswith("  echo ") and f"exactopen {command}" in line]
    assert runs, f"{command}: no example invocation"
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        name = "/".join(action.option_strings) or action.dest
        assert action.help and len(action.help) > 10, f"{command} {name}: no description"
        if action.default not in (None, False) and action.option_strings:
            shown = parser._get_formatter()._get_help_string(action)
            assert "default" in shown, f"{command} {name}: default {action.default!r} not shown"
    too_long = [line for line in text.splitlines() if len(line) > 80]
    assert not too_long, too_long


def test_the_main_help(monkeypatch):
    text = _help(_commands()[0], monkeypatch)
    assert "exactopen certify '[[1],[2]]' '[[1,1]]'" in text and "Exit codes" in text
    assert max(map(len, text.splitlines())) <= 80


def test_quiet_and_json_are_where_the_docs_say(monkeypatch):
    commands = _commands()[1]
    options = {name: {o for a in p._actions for o in a.option_strings}
               for name, p in commands.items()}
    for name in ("rank", "certify", "verify", "counterexample", "classify", "scan"):
        assert "--json" in options[name], name
    for name, found in options.items():
        assert "-q" in found, name
