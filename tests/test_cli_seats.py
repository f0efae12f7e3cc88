"""`pollmc seats`: the interface other tools rely on."""

from __future__ import annotations

import json

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
