"""Bad input gets a DataError naming the file, row and field; loading never changes files."""

from __future__ import annotations

from pathlib import Path

import pytest

import polls


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"test setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


# (file, text to replace, replacement, fragments the message must contain)
CASES = [
    ("polls.csv", "firm,fieldwork_start", "firm,colour,fieldwork_start",
     ["polls.csv", "field 'colour'", "unknown column"]),
    ("polls.csv", ",NO,AJ,", ",NO,", ["polls.csv", "field 'AJ'", "missing column"]),
    ("polls.csv", "Nur.kz,,,2020-12-31,", "Nur.kz,,2020-12-31,", ["polls.csv", "row 5 (line 6)", "has 14 cells"]),
    ("polls.csv", "72.5,5.5", "72.5,five", ["polls.csv", "row 3", "field 'AJ'", "'five' is not a number"]),
    ("polls.csv", "72.5,5.5", "72.5,-5.5", ["polls.csv", "row 3", "field 'AJ'", "outside 0-100"]),
    ("polls.csv", "73.8,5.7", "93.8,5.7", ["polls.csv", "row 5", "more than 100%"]),
    ("polls.csv", "74.2,5.2", "74.2,5.2%", ["polls.csv", "row 4", "field 'AJ'", "without the % sign"]),
    ("polls.csv", "Nur.kz,,,2020-12-31", "Nur.kz,,,2021-01-12", ["polls.csv", "row 5", "field 'published'", "election day"]),
    ("polls.csv", "Nur.kz,,,2020-12-31", "Nur.kz,,,31/12/2020", ["polls.csv", "row 5", "field 'published'", "YYYY-MM-DD"]),
    ("polls.csv", "IEI,,,2021-01-04,,,,69.5,10.4,8.1,4.5,3.1,,,\n",
     "IEI,,,2021-01-04,,,,69.5,10.4,8.1,4.5,3.1,,,\nIEI,,,2021-01-04,,,,69.5,10.4,8.1,4.5,3.1,,,\n",
     ["polls.csv", "row 7", "duplicates row 6"]),
    ("polls.csv", "6800,face", "-6800,face", ["polls.csv", "row 4", "field 'sample_size'"]),
    ("exit_polls.csv", "PORI,2021-01-10", "PORI,2021-01-09",
     ["exit_polls.csv", "row 1", "field 'fieldwork_end'", "election day"]),
    ("results.csv", "ADAL,258618", "BIRLIK,258618", ["results.csv", "row 5", "field 'entry'", "unknown entry 'BIRLIK'"]),
    ("results.csv", "NO,5148074,76", "NO,5148074,77", ["results.csv", "seats add up to 99"]),
    ("results.csv", "AJ,792828,12,10.95", "AJ,792828,12,10.59", ["results.csv", "row 2", "published_percent", "10.95%"]),
    ("results.csv", "NO,5148074", "NO,5148.074", ["results.csv", "row 1", "field 'votes'", "not a whole number"]),
    ("regional_results.csv", "KAR,", "KARA,", ["regional_results.csv", "row 8", "field 'region'", "unknown region 'KARA'"]),
    ("regional_results.csv", "AKM,278209", "AKM,278210", ["regional_results.csv", "field 'NO'", "add up to 5,148,075"]),
    ("regional_results.csv", "SEV,213416", "SEV,", ["regional_results.csv", "row 12", "field 'NO'", "empty"]),
    ("election.toml", "threshold = 7.0", "threshold = 107.0", ["election.toml", "rule.threshold", "makes no sense"]),
    ("election.toml", "list_seats = 98", "list_seats = 0", ["election.toml", "list_seats", "positive"]),
    ("election.toml", "list_seats = 98", "list_seats = 97", ["election.toml", "total_seats"]),
    ("election.toml", 'method = "hare"', 'method = "hair"', ["election.toml", "rule.method", "unknown method 'hair'"]),
    ("election.toml", 'code = "AJ"', 'code = "NO"', ["election.toml", "party code 'NO' is used twice"]),
    ("election.toml", 'code = "AJ"', 'code = "A J"', ["election.toml", "parties[4].code"]),
    ("election.toml", 'chamber = "Mazhilis"', 'chamber = "Mazhilis"\nchambre = "x"',
     ["election.toml", "field 'chambre'", "unknown key"]),
    ("election.toml", 'date = 2021-01-10', 'date = 2021-01-10 x', ["election.toml", "not valid TOML"]),
    ("election.toml", '"ZAP"]', '"ZAP", "XXX"]', ["election.toml", "count_order", "XXX"]),
    ("election.toml", 'runner_up_min_seats = 2', 'runner_up_min_seats = 99', ["election.toml", "rule.runner_up_min_seats"]),
]


@pytest.mark.parametrize("file,old,new,fragments", CASES, ids=[f"{c[0]}:{'/'.join(c[3][1:])}" for c in CASES])
def test_bad_input_is_located(folder_2021, file, old, new, fragments):
    edit(folder_2021 / file, old, new)
    before = {p.name: p.read_bytes() for p in folder_2021.iterdir()}
    with pytest.raises(polls.DataError) as info:
        polls.load_path(folder_2021)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message
    assert {p.name: p.read_bytes() for p in folder_2021.iterdir()} == before


def test_missing_party_column(folder_2021):
    path = folder_2021 / "exit_polls.csv"
    lines = path.read_text().splitlines()
    # drop the ADAL column (the last share column before 'note')
    path.write_text("\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != 9) for line in lines) + "\n")
    with pytest.raises(polls.DataError, match=r"exit_polls\.csv, field 'ADAL': missing column"):
        polls.load_path(folder_2021)


def test_unknown_election_id_names_the_bundled_ones():
    with pytest.raises(polls.DataError, match="kz-2021-mazhilis"):
        polls.load("kz-2099-mazhilis")


def test_missing_folder_and_toml(tmp_path):
    with pytest.raises(polls.DataError, match="is not a folder"):
        polls.load_path(tmp_path / "nothing")
    with pytest.raises(polls.DataError, match="election.toml"):
        polls.load_path(tmp_path)


def test_not_utf8(folder_2021):
    (folder_2021 / "polls.csv").write_bytes(b"firm,NO\n\xff\xfe,1\n")
    with pytest.raises(polls.DataError, match="not UTF-8"):
        polls.load_path(folder_2021)


def test_optional_files_may_be_absent(folder_2021):
    for name in ("polls.csv", "exit_polls.csv", "results.csv", "regional_results.csv"):
        (folder_2021 / name).unlink()
    election = polls.load_path(folder_2021)
    assert len(election.polls) == 0 and len(election.exit_polls) == 0
    assert election.results is None and not election.has_results


def test_partial_regional_count_is_valid_but_cannot_exceed_national(folder_2021):
    path = folder_2021 / "regional_results.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:5]) + "\n")
    election = polls.load_path(folder_2021)
    assert len(election.regional_results) == 4
    path.write_text("\n".join(lines[:2]).replace("278209", "9278209") + "\n")
    with pytest.raises(polls.DataError, match="already exceed"):
        polls.load_path(folder_2021)
