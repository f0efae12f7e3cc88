"""`pollmc data list|show|validate`."""

from __future__ import annotations

from models.cli import main


def test_data_list(capsys):
    assert main(["data", "list"]) == 0
    out = capsys.readouterr().out
    assert "kz-2021-mazhilis" in out and "kz-2016-mazhilis" in out


def test_data_show(capsys):
    assert main(["data", "show", "kz-2021-mazhilis"]) == 0
    out = capsys.readouterr().out
    assert "Nur Otan" in out and "71.09" in out and "17 of 17 regions" in out


def test_data_validate_ok_and_bad(folder_2021, capsys):
    assert main(["data", "validate", str(folder_2021)]) == 0
    assert "OK" in capsys.readouterr().out
    (folder_2021 / "results.csv").write_text("entry,votes,seats\nNO,x,1\n")
    assert main(["data", "validate", str(folder_2021)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "results.csv, row 1 (line 2), field 'votes'" in err


def test_unknown_id(capsys):
    assert main(["data", "show", "kz-1999"]) == 2
    assert "unknown election id" in capsys.readouterr().err


def test_help_exits_zero(capsys):
    assert main(["data", "--help"]) == 0
    assert "validate" in capsys.readouterr().out


def test_validate_warns_when_recorded_seats_contradict_the_rule(folder_2021, capsys):
    path = folder_2021 / "results.csv"
    path.write_text(path.read_text().replace("NO,5148074,76", "NO,5148074,75").replace("AJ,792828,12", "AJ,792828,13"))
    assert main(["data", "validate", str(folder_2021)]) == 0
    out = capsys.readouterr().out
    assert "warning: the seats in results.csv differ from what the rule gives for its votes" in out
    assert "NO 75 against 76, AJ 13 against 12" in out


def test_previous_in_a_sibling_folder_and_a_broken_link(tmp_path, capsys):
    """`previous` may name a folder next to this one; validate follows the chain and names the
    file and field of a broken link."""
    from conftest import copy_election

    later = copy_election("kz-2021-mazhilis", tmp_path)
    earlier = copy_election("kz-2016-mazhilis", tmp_path)
    earlier.rename(tmp_path / "my-2016")
    toml = later / "election.toml"
    toml.write_text(toml.read_text().replace('previous = "kz-2016-mazhilis"', 'previous = "my-2016"'))
    assert main(["data", "validate", str(later)]) == 0
    assert "previous elections: kz-2016-mazhilis" in capsys.readouterr().out
    import polls
    assert polls.load_previous(polls.load_path(later)).path == (tmp_path / "my-2016").resolve()

    toml.write_text(toml.read_text().replace('predecessor = "BIRLIK"', 'predecessor = "NOPE"'))
    assert main(["data", "validate", str(later)]) == 2
    err = capsys.readouterr().err
    assert "election.toml" in err and "parties[5].predecessor" in err and "'NOPE'" in err

    toml.write_text(toml.read_text().replace('previous = "my-2016"', 'previous = "my-2015"'))
    assert main(["data", "validate", str(later)]) == 2
    err = capsys.readouterr().err
    assert "field 'previous'" in err and "neither a bundled id nor a folder next to this one" in err


def test_priors_say_where_each_number_comes_from_and_what_was_held_out(capsys):
    assert main(["priors", "se-2022-riksdag"]) == 0
    out = capsys.readouterr().out
    assert "exit_scale         0.6113   0.5 (stated), updated by the spread of earlier elections' exit polls" in out
    assert "drift_sd_week      0.03     stated assumption" in out
    # its own record and later ones are printed with weight 0: held out
    own = [line for line in out.splitlines() if line.startswith("se-2022-riksdag") or line.startswith("kz-2023-mazhilis")]
    assert own and all(line.rstrip().endswith("0.0") for line in own)
    assert "House effects carried from se-2018-riksdag" in out and "Sentio" in out
    assert main(["priors", "kz-2021-mazhilis"]) == 0
    assert "No house effect is carried" in capsys.readouterr().out
