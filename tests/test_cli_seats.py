"""`pollmc seats`: the interface other tools rely on."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from models.cli import main

KZ_2021 = ["5148074", "792828", "659019", "383023", "258618"]


def run(capsys, *args):
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_plain_output_in_the_order_given(capsys):
    status, out, _ = run(capsys, "seats", "--method", "hare", "--seats", "98", "--threshold", "7",
                         "--runner-up-min", "2", *KZ_2021)
    assert status == 0 and out == "76 12 10 0 0\n"


def test_json_is_a_list_of_integers_and_nothing_else(capsys):
    status, out, _ = run(capsys, "seats", "--json", "--method", "dhondt", "--seats", "54", "7369789", "4519205",
                         "2731825", "2258857", "1393684", "1252139", "1018435", "633090")
    assert status == 0 and json.loads(out) == [20, 12, 7, 6, 3, 3, 2, 1]


def test_rule_from_an_election_file(capsys):
    import polls

    path = polls.DATA_DIR / "kz-2021-mazhilis" / "election.toml"
    # votes in the file's registration order: QHP NO AUYL AJ ADAL
    status, out, _ = run(capsys, "seats", "--json", "--election", str(path), "659019", "5148074", "383023",
                         "792828", "258618")
    assert status == 0 and json.loads(out) == [10, 76, 0, 12, 0]


def test_threshold_base_changes_who_passes(capsys):
    _, out, _ = run(capsys, "seats", "--method", "hare", "--seats", "10", "--threshold", "34", "600", "330")
    assert out.split() == ["6", "4"]
    _, out, _ = run(capsys, "seats", "--method", "hare", "--seats", "10", "--threshold", "34",
                    "--threshold-base", "1000", "600", "330")
    assert out.split() == ["10", "0"]


@pytest.mark.parametrize("args,fragment", [
    (["--method", "hare", "--seats", "10", "5", "-3"], "not negative"),
    (["--method", "hare", "--seats", "10", "5", "many"], "not a number"),
    (["--method", "hare", "--seats", "0", "5", "3"], "positive"),
    (["--method", "largest", "--seats", "10", "5", "3"], "invalid choice"),
    (["--seats", "10", "5", "3"], "--method"),
    (["--method", "hare", "--seats", "10", "--threshold", "120", "5", "3"], "--threshold"),
    (["--method", "hare", "--election", "x.toml", "5", "3"], "--election"),
])
def test_bad_input_one_line_error(capsys, args, fragment):
    status, out, err = run(capsys, "seats", *args)
    assert status != 0 and out == ""
    assert err.count("\n") == 1 and fragment in err


def test_help(capsys):
    assert main(["seats", "--help"]) == 0
    assert "--runner-up-min" in capsys.readouterr().out


SE_2022 = ["1964474", "1237428", "1330325", "434945", "437050", "345712", "298542", "329242", "100252"]


def test_sweden_2022_with_first_divisor_and_a_seatless_others(capsys):
    """The README's example: the official 349 seats; all other parties (position 9) counted, never seated."""
    status, out, _ = run(capsys, "seats", "--method", "modified-sainte-lague", "--first-divisor", "1.2",
                         "--threshold", "4", "--seatless", "9", "--seats", "349", *SE_2022)
    assert status == 0 and out == "107 68 73 24 24 19 16 18 0\n"


def test_exempt_list_is_admitted_below_the_threshold(capsys):
    status, out, _ = run(capsys, "seats", "--method", "sainte-lague", "--seats", "100", "--threshold", "5",
                         "--exempt", "3", "--json", "600", "380", "20")
    assert status == 0 and json.loads(out) == [60, 38, 2]


@pytest.mark.parametrize("args,fragment", [
    (["--method", "dhondt", "--first-divisor", "1.2"], "modified-sainte-lague only"),
    (["--method", "modified-sainte-lague", "--first-divisor", "5"], "at most 3"),
    (["--method", "hare", "--exempt", "4"], "positions run from 1 to 3"),
    (["--method", "hare", "--seatless", "1", "--seatless", "2", "--seatless", "3"], "no list can win seats"),
    (["--method", "hare", "--seatless", "1", "--exempt", "1"], "both --exempt and --seatless"),
])
def test_bad_rule_options_one_line(capsys, args, fragment):
    status, _, err = run(capsys, "seats", "--seats", "10", *args, "600", "380", "20")
    assert status == 2 and fragment in err and err.count("\n") == 1


def test_the_command_in_its_own_process_delivers_its_output_and_status():
    """`python -m models.cli` (and the `pollmc` script, `models.cli.command`) exits without the
    interpreter's teardown: what it printed into a pipe (buffered) must still arrive, and its status."""
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    seats = subprocess.run([sys.executable, "-m", "models.cli", "seats", "--method", "hare", "--seats", "98",
                            "--threshold", "7", "--runner-up-min", "2", *KZ_2021], capture_output=True, text=True,
                           env=buffered)
    assert (seats.returncode, seats.stdout) == (0, "76 12 10 0 0\n")
    bad = subprocess.run([sys.executable, "-m", "models.cli", "seats", "--method", "none", "--seats", "9", "1"],
                         capture_output=True, text=True, env=buffered)
    assert bad.returncode == 2 and "invalid choice: 'none'" in bad.stderr and bad.stdout == ""
