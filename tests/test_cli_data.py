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
    assert "warning: the seats in results.csv (10/75/0/13/0) differ from what the rule gives" in out
