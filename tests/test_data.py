"""Tests for mlp_core.data: loaders, toy generators, splits and the Standardizer."""

import gzip
import re

import numpy as np
import pytest

from mlp_core.data import (
    DATA_DIR,
    TOY_DATASETS,
    Dataset,
    Standardizer,
    load_concrete,
    load_digits,
    load_penguins,
    make_circles,
    make_moons,
    make_spirals,
    make_toy,
    make_xor,
    train_test_split,
    train_val_test_split,
)

CONCRETE_HEADER = (
    "cement,blast_furnace_slag,fly_ash,water,superplasticizer,coarse_aggregate,"
    "fine_aggregate,age,compressive_strength"
)
PENGUIN_HEADER = (
    "species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year"
)


@pytest.fixture(autouse=True)
def _no_nndata_dir(monkeypatch):
    """Read the repository's NNData/ even if the caller's shell sets NNDATA_DIR."""
    monkeypatch.delenv("NNDATA_DIR", raising=False)


def write(path, lines, compress=False):
    """Write ``lines`` as a text file (gzip if ``compress``) and return the path."""
    text = "\n".join(lines) + "\n"
    if compress:
        with gzip.open(path, "wt", encoding="utf-8") as f:
            f.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def where(path, line):
    """Regex matching the 'path, line N:' prefix of a file error."""
    return re.escape(f"{path}, line {line}:")


def digit_row(pixels=0, label=3):
    return ",".join([str(pixels)] * 64 + [str(label)])


# ---------------------------------------------------------------- real data sets


def test_data_dir_holds_the_three_files():
    assert DATA_DIR.name == "NNData"
    for name in ("concrete.csv", "penguins.csv", "digits.csv.gz"):
        assert (DATA_DIR / name).is_file()
        assert (DATA_DIR / name.split(".")[0]).with_suffix(".md").is_file()


def test_load_concrete_shapes_values_and_names():
    ds = load_concrete()
    assert ds.X.shape == (1030, 8) and ds.y.shape == (1030,)
    assert ds.X.dtype == np.float64 and ds.y.dtype == np.float64
    assert ds.task == "regression" and ds.target_names is None and ds.n_classes is None
    assert ds.target_name == "compressive_strength"
    assert ds.feature_names[0] == "cement" and ds.feature_names[-1] == "age"
    # First data line of the file: 540.0,0.0,0.0,162.0,2.5,1040.0,676.0,28,79.99
    np.testing.assert_array_equal(ds.X[0], [540.0, 0.0, 0.0, 162.0, 2.5, 1040.0, 676.0, 28])
    assert ds.y[0] == 79.99
    assert "CC BY 4.0" in ds.description and "Yeh" in ds.description
    assert any("25 rows that repeat" in note for note in ds.notes)
    assert repr(ds) == "Dataset('concrete', X=(1030, 8), task='regression')"


def test_load_penguins_drops_two_rows_and_says_which():
    ds = load_penguins()
    assert ds.X.shape == (342, 4) and ds.y.shape == (342,)
    assert ds.X.dtype == np.float64 and ds.y.dtype == np.int64
    assert ds.target_names == ("Adelie", "Chinstrap", "Gentoo")
    assert ds.feature_names == (
        "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"
    )
    np.testing.assert_array_equal(np.bincount(ds.y), [151, 68, 123])
    np.testing.assert_array_equal(ds.X[0], [39.1, 18.7, 181.0, 3750.0])
    assert any("dropped 2 rows" in n and "lines 5, 273" in n for n in ds.notes)
    assert "sex" in ds.description and "CC0" in ds.description
    assert repr(ds) == "Dataset('penguins', X=(342, 4), task='classification', 3 classes)"


def test_load_penguins_raise_mode_names_file_line_and_column():
    path = DATA_DIR / "penguins.csv"
    with pytest.raises(ValueError, match=where(path, 5) + " column 'bill_length_mm' is missing"):
        load_penguins(missing="raise")


@pytest.mark.parametrize("bad", ["ignore", "DROP", None])
def test_load_penguins_rejects_unknown_missing_policy(bad):
    expected = rf"missing must be one of \('drop', 'raise'\), got {bad!r}"
    with pytest.raises(ValueError, match=expected):
        load_penguins(missing=bad)


def test_load_digits_shapes_and_row_major_pixels():
    ds = load_digits()
    assert ds.X.shape == (1797, 64) and ds.y.shape == (1797,)
    assert ds.y.dtype == np.int64 and set(np.unique(ds.y)) == set(range(10))
    assert ds.target_names == tuple("0123456789")
    assert ds.feature_names[0] == "pixel_0_0" and ds.feature_names[9] == "pixel_1_1"
    assert ds.feature_names[63] == "pixel_7_7"
    assert ds.X.min() == 0 and ds.X.max() == 16
    # File line 1 starts 0,0,5,13,9,1,0,0 (top image row) and ends with the label 0.
    np.testing.assert_array_equal(ds.X[0].reshape(8, 8)[0], [0, 0, 5, 13, 9, 1, 0, 0])
    assert ds.y[0] == 0
    assert any("pixel_0_0, pixel_4_0, pixel_4_7" in n for n in ds.notes)


def test_loader_accepts_a_folder_a_file_and_the_env_var(tmp_path, monkeypatch):
    write(tmp_path / "concrete.csv", [CONCRETE_HEADER, "1,2,3,4,5,6,7,28,9.5"])
    assert load_concrete(tmp_path).X.shape == (1, 8)
    assert load_concrete(str(tmp_path / "concrete.csv")).y[0] == 9.5
    monkeypatch.setenv("NNDATA_DIR", str(tmp_path))
    assert load_concrete().X.shape == (1, 8)


def test_missing_file_names_path_and_data_set(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match=r"load_penguins.*nowhere\.csv.*penguins"):
        load_penguins(tmp_path / "nowhere.csv")
    monkeypatch.setenv("NNDATA_DIR", str(tmp_path))
    expected = re.escape(str(tmp_path / "digits.csv.gz"))
    with pytest.raises(FileNotFoundError, match=rf"load_digits.*{expected}.*digits"):
        load_digits()


# ---------------------------------------------------------------- broken files


@pytest.mark.parametrize(
    "lines, line, message",
    [
        ([CONCRETE_HEADER, "1,2,3,4,5,6,7,28,9", "1,2,3,4,5,6,7,28"], 3, "expected 9 .*got 8"),
        ([CONCRETE_HEADER, "1,2,3,abc,5,6,7,28,9"], 2, "column 'water' .*got 'abc'"),
        ([CONCRETE_HEADER, "1,2,3,4,5,6,7,28,nan"], 2, "column 'compressive_strength'.*'nan'"),
        ([CONCRETE_HEADER, "1,2,3,4,5,6,7,28,inf"], 2, "column 'compressive_strength'.*'inf'"),
        ([CONCRETE_HEADER, "-inf,2,3,4,5,6,7,28,9"], 2, "column 'cement'.*'-inf'"),
        ([CONCRETE_HEADER, "1,2,3,4,5,6,7,NA,9"], 2, "column 'age' .*got 'NA'"),
        ([CONCRETE_HEADER.replace(",age", ",days"), "1,2,3,4,5,6,7,28,9"], 1, "lacks .*'age'"),
        (["1,2,3,4,5,6,7,28,9", "1,2,3,4,5,6,7,28,9"], 1, "lacks column"),
        (["", CONCRETE_HEADER.replace("cement", "c"), "1,2,3,4,5,6,7,28,9"], 2, "lacks .*'cement'"),
        ([CONCRETE_HEADER], 2, "no data rows"),
        ([], 1, "empty"),
    ],
)
def test_broken_concrete_file_names_path_line_and_value(tmp_path, lines, line, message):
    path = write(tmp_path / "concrete.csv", lines) if lines else tmp_path / "concrete.csv"
    if not lines:
        path.write_text("")
    with pytest.raises(ValueError, match=where(path, line) + ".*" + message):
        load_concrete(path)


def test_line_numbers_count_blank_lines_and_crlf(tmp_path):
    path = tmp_path / "concrete.csv"
    rows = [CONCRETE_HEADER, "1,2,3,4,5,6,7,28,9", "", "1,2,3,4,5,6,7,28,9", "1,2,3,4,5,6,7,x,9"]
    path.write_bytes("\r\n".join(rows).encode())
    with pytest.raises(ValueError, match=where(path, 5) + " column 'age'.*'x'"):
        load_concrete(path)
    path.write_bytes("\r\n".join(rows[:4]).encode())
    assert load_concrete(path).X.shape == (2, 8)


def test_files_saved_with_a_byte_order_mark_load_like_plain_utf8(tmp_path):
    # Excel's "CSV UTF-8" starts the file with U+FEFF; it must not become part of a name.
    bom = "\ufeff"
    concrete = write(tmp_path / "concrete.csv", [bom + CONCRETE_HEADER, "1,2,3,4,5,6,7,28,9.5"])
    ds = load_concrete(concrete)
    assert ds.X.shape == (1, 8) and ds.y[0] == 9.5
    penguins = write(tmp_path / "penguins.csv",
                     [bom + PENGUIN_HEADER, "Gentoo,Biscoe,47,15,217,5000,female,2009"])
    np.testing.assert_array_equal(load_penguins(penguins).X, [[47, 15, 217, 5000]])
    digits = write(tmp_path / "digits.csv.gz", [bom + digit_row(4, 7)], compress=True)
    np.testing.assert_array_equal(load_digits(digits).y, [7])


def test_penguins_with_every_row_missing_a_value_is_an_error_not_an_empty_set(tmp_path):
    lines = [PENGUIN_HEADER, "Adelie,Dream,NA,18,190,3700,male,2007",
             "Gentoo,Biscoe,47,15,217,,female,2009"]
    path = write(tmp_path / "penguins.csv", lines)
    expected = re.escape(f"{path}") + ".*no rows left after dropping rows with missing values"
    with pytest.raises(ValueError, match=expected + r".*all 2 data rows \(file lines 2 to 3\)"):
        load_penguins(path)


@pytest.mark.parametrize("loader, name, lines", [
    (load_concrete, "concrete.csv", [CONCRETE_HEADER, "1,2,3,4,5,6,7,28,9"]),
    (load_penguins, "penguins.csv", [PENGUIN_HEADER, "Gentoo,Biscoe,47,15,217,5000,f,2009"]),
    (load_digits, "digits.csv.gz", [digit_row()]),
])
def test_notes_name_the_file_not_its_folder(tmp_path, loader, name, lines):
    folder = tmp_path / "some_folder"
    folder.mkdir()
    ds = loader(write(folder / name, lines, compress=name.endswith(".gz")))
    assert any(name in note for note in ds.notes)
    assert not any("some_folder" in text for text in (*ds.notes, ds.description))


@pytest.mark.parametrize(
    "row, message",
    [
        ("Emperor,Biscoe,40,18,190,3800,male,2008", "unknown class label 'Emperor'"),
        ("Adelie,Biscoe,40,18x,190,3800,male,2008", "column 'bill_depth_mm' .*got '18x'"),
        ("Adelie,Biscoe,40,18,190,3800,male", "expected 8 .*got 7"),
    ],
)
def test_broken_penguins_file_names_path_line_and_value(tmp_path, row, message):
    good = "Gentoo,Biscoe,47,15,217,5000,female,2009"
    path = write(tmp_path / "penguins.csv", [PENGUIN_HEADER, good, row])
    with pytest.raises(ValueError, match=where(path, 3) + ".*" + message):
        load_penguins(path)


def test_penguins_missing_values_are_dropped_or_raised_never_numbers(tmp_path):
    lines = [
        PENGUIN_HEADER,
        "Adelie,Dream,39,18,190,3700,NA,2007",  # sex missing only: kept
        "Chinstrap,Dream,,18,195,3600,male,2008",  # empty bill length: dropped
        "Gentoo,Biscoe,47,15,217,NA,female,2009",  # body mass NA: dropped
        "Gentoo,Biscoe,48,16,220,5200,male,2009",
    ]
    path = write(tmp_path / "penguins.csv", lines)
    ds = load_penguins(path)
    assert ds.X.shape == (2, 4) and np.isfinite(ds.X).all()
    np.testing.assert_array_equal(ds.y, [0, 2])
    assert any("dropped 2 rows" in n and "lines 3, 4" in n for n in ds.notes)
    with pytest.raises(ValueError, match=where(path, 3) + " column 'bill_length_mm'.*''"):
        load_penguins(path, missing="raise")
    path2 = write(tmp_path / "p2.csv", [lines[0], lines[1], lines[3]])
    with pytest.raises(ValueError, match=where(path2, 3) + " column 'body_mass_g'.*'NA'"):
        load_penguins(path2, missing="raise")


@pytest.mark.parametrize(
    "lines, line, message",
    [
        ([",".join([f"p{i}" for i in range(64)] + ["label"]), digit_row()], 1, "'pixel_0_0'.*'p0'"),
        ([digit_row(), digit_row(pixels=17)], 2, "'pixel_0_0' must be an integer in 0..16.*'17'"),
        ([digit_row(), digit_row(pixels="2.5")], 2, "'pixel_0_0' must be an integer.*'2.5'"),
        ([digit_row(), digit_row(label=10)], 2, "'digit' must be an integer in 0..9.*'10'"),
        ([digit_row(), digit_row(), "1,2,3"], 3, "expected 65 .*got 3"),
        (["1,2,3", "1,2,3"], 1, "expected 65 fields"),
    ],
)
def test_broken_digits_file_names_path_line_and_value(tmp_path, lines, line, message):
    path = write(tmp_path / "digits.csv.gz", lines, compress=True)
    with pytest.raises(ValueError, match=where(path, line) + ".*" + message):
        load_digits(path)


def test_digits_reads_plain_csv_and_rejects_a_fake_gzip(tmp_path):
    plain = write(tmp_path / "digits.csv", [digit_row(4, 7), digit_row(16, 0)])
    ds = load_digits(plain)
    assert ds.X.shape == (2, 64) and ds.X[1, 5] == 16
    np.testing.assert_array_equal(ds.y, [7, 0])
    fake = write(tmp_path / "digits.csv.gz", [digit_row()])  # plain text under a .gz name
    with pytest.raises(ValueError, match=re.escape(str(fake))):
        load_digits(fake)


# A line with nothing but spaces, tabs or commas carries no data: it is skipped like an
# empty line (Excel writes rows of bare commas for cleared cells) and still counted.
@pytest.mark.parametrize("blank", ["", "   ", "\t", " \t ", ",,,,,,,,", " , ,"])
def test_whitespace_only_lines_are_blank_lines(tmp_path, blank):
    lines = [CONCRETE_HEADER, "1,2,3,4,5,6,7,28,9", blank, "1,2,3,4,5,6,7,28,9.5"]
    path = write(tmp_path / "concrete.csv", lines)
    np.testing.assert_array_equal(load_concrete(path).y, [9, 9.5])
    path = write(tmp_path / "concrete.csv", lines + ["1,2,3,4,5,6,7,x,9"])
    with pytest.raises(ValueError, match=where(path, 5) + " column 'age'.*'x'"):
        load_concrete(path)  # the skipped line still counts


@pytest.mark.parametrize("text", ["1_000", "١٢", "12.5.1", "0x10", "1e", "--3", "Infinity"])
def test_numbers_are_plain_decimals_not_everything_float_accepts(tmp_path, text):
    # float() accepts 1_000 (Python's digit separator) and non-ASCII digits such as ١٢
    path = write(tmp_path / "concrete.csv", [CONCRETE_HEADER, f"1,2,3,{text},5,6,7,28,9"])
    expected = where(path, 2) + r" column 'water' needs a finite decimal number.*" + re.escape(
        f"got {text!r}")
    with pytest.raises(ValueError, match=expected):
        load_concrete(path)


def test_numbers_may_have_sign_exponent_and_surrounding_spaces(tmp_path):
    path = write(tmp_path / "concrete.csv", [CONCRETE_HEADER, " +1.5,0,.5,4.,5e0,6E+1,7,28, 9 "])
    np.testing.assert_array_equal(load_concrete(path).X[0], [1.5, 0, 0.5, 4, 5, 60, 7, 28])


@pytest.mark.parametrize("column, value, rule", [
    ("cement", "-5", r"must be >= 0 \(an amount in kg/m\^3\)"),
    ("fly_ash", "-0.1", r"must be >= 0 \(an amount in kg/m\^3\)"),
    ("water", "-1e-3", r"must be >= 0 \(an amount in kg/m\^3\)"),
    ("age", "0", r"must be > 0 \(days from casting to the test\)"),
    ("compressive_strength", "-2.5", r"must be > 0 \(a strength in MPa\)"),
])
def test_concrete_refuses_physically_impossible_values(tmp_path, column, value, rule):
    fields = dict(zip(CONCRETE_HEADER.split(","), "1,2,3,4,5,6,7,28,9".split(",")))
    fields[column] = value
    path = write(tmp_path / "concrete.csv", [CONCRETE_HEADER, "1,0,0,4,0,6,7,1,9",
                                             ",".join(fields.values())])
    with pytest.raises(ValueError,
                       match=where(path, 3) + f" column {column!r} {rule}, got {value!r}"):
        load_concrete(path)


@pytest.mark.parametrize("column, value", [
    ("body_mass_g", "-3750"), ("bill_length_mm", "0"), ("flipper_length_mm", "-181"),
    ("bill_depth_mm", "-0.5"),
])
def test_penguins_refuse_physically_impossible_measurements(tmp_path, column, value):
    fields = dict(zip(PENGUIN_HEADER.split(","),
                      "Adelie,Torgersen,39.1,18.7,181,3750,male,2007".split(",")))
    fields[column] = value
    unit = "g" if column == "body_mass_g" else "mm"
    path = write(tmp_path / "penguins.csv", [PENGUIN_HEADER, ",".join(fields.values())])
    with pytest.raises(ValueError, match=where(path, 2) + f" column {column!r} must be > 0 "
                       rf"\(a body measurement in {unit}\), got {value!r}"):
        load_penguins(path)


@pytest.mark.parametrize("text", ["1e308", "-1e200", "1e101"])
def test_values_too_large_for_later_arithmetic_are_refused(tmp_path, text):
    path = write(tmp_path / "concrete.csv", [CONCRETE_HEADER, f"1,2,3,4,5,6,{text},28,9"])
    with pytest.raises(ValueError, match=where(path, 2) + r" column 'fine_aggregate' must have "
                       rf"magnitude at most 1e\+100.*got {text!r}"):
        load_concrete(path)
    # 1e100 itself still loads (the datasheets' values are below 1e4)
    path = write(tmp_path / "concrete.csv", [CONCRETE_HEADER, "1,2,3,4,5,6,1e100,28,9"])
    assert load_concrete(path).X[0, 6] == 1e100


def test_standardizer_refuses_columns_whose_statistics_overflow():
    X = np.array([[1.0, 1e308], [2.0, 1.5e308], [3.0, -1e300]])
    with np.errstate(all="raise"):  # no overflow warning on the way to the error
        with pytest.raises(ValueError, match=r"X column 1 is too large to standardize.*"
                                             r"largest magnitude 1\.5e\+308"):
            Standardizer().fit(X)
    s = Standardizer()
    with pytest.raises(ValueError, match="X column 0 is too large"):
        s.fit(np.array([[1e200], [-1e200]]))  # mean 0, but the squares overflow
    assert s.mean_ is None and s.scale_ is None  # a refused fit leaves nothing behind


def test_nndata_dir_and_path_expand_the_home_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "my data").mkdir()
    write(tmp_path / "my data" / "concrete.csv", [CONCRETE_HEADER, "1,2,3,4,5,6,7,28,9.5"])
    monkeypatch.setenv("NNDATA_DIR", "~/my data")
    assert load_concrete().y[0] == 9.5
    monkeypatch.setenv("WHERE", "my data")
    monkeypatch.setenv("NNDATA_DIR", "$HOME/${WHERE}")
    assert load_concrete().y[0] == 9.5
    monkeypatch.delenv("NNDATA_DIR")
    assert load_concrete("~/my data/concrete.csv").y[0] == 9.5
    assert load_concrete("~/my data").y[0] == 9.5
    monkeypatch.setenv("NNDATA_DIR", "~/elsewhere")
    expected = re.escape(f"no data file at '{tmp_path / 'elsewhere'}' "
                         "(from NNDATA_DIR='~/elsewhere')")
    with pytest.raises(FileNotFoundError, match=expected):
        load_concrete()


def test_path_must_be_a_path(tmp_path):
    with pytest.raises(TypeError, match=r"path must be a str or os\.PathLike.*got 3"):
        load_concrete(3)


SECRET = "token=abcdef0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize("loader, lines", [
    (load_concrete, [CONCRETE_HEADER, "1,2,3,4,5,6,7,28,9", "x" * 50 + "," + SECRET]),
    (load_concrete, [CONCRETE_HEADER, "1,2,3,4,5,6,7,28,9", "1,2,3," + "y" * 45 + SECRET
                     + ",5,6,7,28,9"]),
    (load_concrete, ["name," + "z" * 40 + SECRET, "1,2"]),
    (load_penguins, [PENGUIN_HEADER, "A" * 45 + SECRET + ",Biscoe,40,18,190,3800,male,2008"]),
    (load_digits, ["w" * 45 + SECRET + ",0" * 64]),
])
def test_errors_echo_a_short_quoted_excerpt_of_the_file(tmp_path, loader, lines):
    name = {load_concrete: "concrete.csv", load_penguins: "penguins.csv",
            load_digits: "digits.csv"}[loader]
    path = write(tmp_path / name, lines)
    with pytest.raises(ValueError) as info:
        loader(path)
    message = str(info.value)
    assert "token" not in message and "abcdef" not in message  # nothing past 40 characters
    assert re.search(r"'[^']{40}'\.\.\. \(\d+ characters\)", message), message
    assert len(message) < len(str(path)) + 400  # our own words, not the file's


def test_dataset_checks_its_own_consistency():
    X, y = np.zeros((3, 2)), np.zeros(3)
    kwargs = dict(target_name="t", description="d", task="regression", target_names=None)
    with pytest.raises(ValueError, match="feature_names must name all 2 columns"):
        Dataset(X, y, ("a",), **kwargs)
    with pytest.raises(ValueError, match=r"got X \(3, 2\) and y \(2,\)"):
        Dataset(X, y[:2], ("a", "b"), **kwargs)
    with pytest.raises(ValueError, match="task must be .*got 'clustering'"):
        Dataset(X, y, ("a", "b"), **{**kwargs, "task": "clustering"})
    with pytest.raises(ValueError, match="target_names must be a tuple for classification"):
        Dataset(X, y, ("a", "b"), **{**kwargs, "task": "classification"})


# ---------------------------------------------------------------- toy data


@pytest.mark.parametrize("name", sorted(TOY_DATASETS))
@pytest.mark.parametrize("n", [2, 7, 200])
def test_toy_shapes_labels_and_balance(name, n):
    X, y = TOY_DATASETS[name](n=n, seed=0)
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    counts = np.bincount(y, minlength=2)
    assert len(counts) == 2 and abs(counts[0] - counts[1]) <= 1
    assert np.isfinite(X).all()


@pytest.mark.parametrize("name", sorted(TOY_DATASETS))
def test_toy_is_deterministic_per_seed_and_leaves_global_rng_alone(name):
    # The legacy global state is read here only to prove the generators never touch it.
    state = np.random.get_state()[1].copy()  # noqa: NPY002
    X1, y1 = make_toy(name, seed=5)
    X2, y2 = make_toy(name, seed=5)
    X3, _ = make_toy(name, seed=6)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)
    np.testing.assert_array_equal(np.random.get_state()[1], state)  # noqa: NPY002
    Xg, _ = make_toy(name, seed=np.random.default_rng(5))
    np.testing.assert_array_equal(Xg, X1)


@pytest.mark.parametrize("name", sorted(TOY_DATASETS))
def test_toy_without_noise_stays_in_the_box_and_rows_are_shuffled(name):
    X, y = TOY_DATASETS[name](n=400, noise=0.0, seed=1)
    assert np.abs(X).max() <= 2.0
    assert 0 < np.count_nonzero(y[:200]) < 200  # not all of class 0 first


def test_toy_geometry_without_noise():
    X, y = make_xor(n=40, noise=0.0, seed=0)
    np.testing.assert_array_equal(np.abs(X), 1.0)
    np.testing.assert_array_equal(y, (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(int))
    X, y = make_circles(n=40, noise=0.0, seed=0)
    np.testing.assert_allclose(np.hypot(X[:, 0], X[:, 1]), np.where(y == 0, 1.5, 0.6))
    X, y = make_moons(n=40, noise=0.0, seed=0)
    centre = np.where(y[:, None] == 0, [-0.5, -0.25], [0.5, 0.25])
    np.testing.assert_allclose(np.hypot(*(X - centre).T), 1.0)
    X, y = make_spirals(n=40, noise=0.0, seed=0)
    assert np.hypot(X[:, 0], X[:, 1]).max() <= 1.8


def test_make_toy_passes_noise_and_uses_each_default():
    for name, make in TOY_DATASETS.items():
        np.testing.assert_array_equal(make_toy(name, 50, seed=2)[0], make(50, seed=2)[0])
        np.testing.assert_array_equal(
            make_toy(name, 50, 0.05, seed=2)[0], make(50, noise=0.05, seed=2)[0]
        )
        assert not np.array_equal(make_toy(name, 50, 0.05, seed=2)[0], make(50, seed=2)[0])


def test_make_toy_rejects_unknown_name():
    expected = r"name must be one of \['circles', 'moons', 'spirals', 'xor'\], got 'blobs'"
    with pytest.raises(ValueError, match=expected):
        make_toy("blobs")


# Wrong type: TypeError; right type, wrong value: ValueError. Each message names the
# argument and the value (the rule's wording belongs to mlp_core._checks).


@pytest.mark.parametrize("make", list(TOY_DATASETS.values()))
@pytest.mark.parametrize("n, error, shown", [
    (1, ValueError, "1"), (0, ValueError, "0"), (-5, ValueError, "-5"),
    (2.5, TypeError, "2.5"), (200.0, TypeError, "200.0"), (True, TypeError, "True"),
    ("10", TypeError, "'10'"), (None, TypeError, "None"),
])
def test_toy_rejects_bad_n(make, n, error, shown):
    with pytest.raises(error, match=rf"^n must .*got {re.escape(shown)}$"):
        make(n=n)


@pytest.mark.parametrize("make", list(TOY_DATASETS.values()))
@pytest.mark.parametrize("noise, error, shown", [
    (-0.1, ValueError, "-0.1"), (float("nan"), ValueError, "nan"),
    (float("inf"), ValueError, "inf"), ("0.1", TypeError, "'0.1'"), (None, TypeError, "None"),
    (True, TypeError, "True"),
])
def test_toy_rejects_bad_noise(make, noise, error, shown):
    with pytest.raises(error, match=rf"^noise must .*got {re.escape(shown)}$"):
        make(noise=noise)


@pytest.mark.parametrize("turns, error, shown", [
    (0, ValueError, "0.0"), (-1.5, ValueError, "-1.5"), (float("inf"), ValueError, "inf"),
    (True, TypeError, "True"), ("1.5", TypeError, "'1.5'"), (None, TypeError, "None"),
])
def test_spirals_rejects_bad_turns(turns, error, shown):
    with pytest.raises(error, match=rf"^turns must .*got {re.escape(shown)}$"):
        make_spirals(turns=turns)


def test_toy_accepts_numpy_numbers():
    X, y = make_moons(np.int64(20), np.float32(0.1), seed=0)
    np.testing.assert_array_equal(X, make_moons(20, float(np.float32(0.1)), seed=0)[0])
    assert make_spirals(10, seed=0, turns=np.float64(2.0))[0].shape == (10, 2)


# ---------------------------------------------------------------- splits


def numbered(n, d=3):
    """X whose first column is the row number, y equal to it: lets tests track each sample."""
    X = np.arange(n * d, dtype=float).reshape(n, d) // d
    return X, np.arange(n)


def test_split_sizes_disjoint_cover_and_pairing():
    X, y = numbered(100)
    X_tr, X_va, X_te, y_tr, y_va, y_te = train_val_test_split(X, y, seed=0)
    assert (len(X_tr), len(X_va), len(X_te)) == (60, 20, 20)
    assert X_tr.shape[1:] == X_va.shape[1:] == X_te.shape[1:] == (3,)
    ids = np.concatenate([y_tr, y_va, y_te])
    np.testing.assert_array_equal(np.sort(ids), np.arange(100))
    for Xp, yp in ((X_tr, y_tr), (X_va, y_va), (X_te, y_te)):
        np.testing.assert_array_equal(Xp[:, 0], yp)
    assert not np.array_equal(y_tr, np.sort(y_tr))  # shuffled, not the first 60 rows


def test_split_is_seeded():
    X, y = numbered(50)
    a = train_val_test_split(X, y, seed=1)
    b = train_val_test_split(X, y, seed=1)
    c = train_val_test_split(X, y, seed=2)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[3], c[3])


def test_split_with_no_validation_gives_empty_arrays_of_right_shape():
    X, y = numbered(10, d=4)
    X_tr, X_va, X_te, y_tr, y_va, y_te = train_val_test_split(
        X, y, val_size=0, test_size=0.3, seed=0
    )
    assert X_va.shape == (0, 4) and y_va.shape == (0,)
    assert len(X_tr) == 7 and len(X_te) == 3


def test_train_test_split_sizes_and_disjointness():
    X, y = numbered(30)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, seed=3)
    assert (len(X_tr), len(X_te)) == (24, 6)
    assert not set(y_tr) & set(y_te)
    np.testing.assert_array_equal(X_te[:, 0], y_te)


def test_stratified_split_keeps_class_proportions():
    y = np.repeat([0, 1, 2], [60, 30, 10])
    X = np.arange(100.0)[:, None]
    X_tr, X_va, X_te, y_tr, y_va, y_te = train_val_test_split(X, y, seed=0, stratify=True)
    np.testing.assert_array_equal(np.bincount(y_tr), [36, 18, 6])
    np.testing.assert_array_equal(np.bincount(y_va), [12, 6, 2])
    np.testing.assert_array_equal(np.bincount(y_te), [12, 6, 2])
    np.testing.assert_array_equal(y[X_te[:, 0].astype(int)], y_te)  # rows stay paired
    assert not np.array_equal(y_tr, np.sort(y_tr))  # classes are mixed, not in blocks
    ids = np.concatenate([X_tr, X_va, X_te])[:, 0]
    np.testing.assert_array_equal(np.sort(ids), np.arange(100))


def test_stratified_split_on_penguins_matches_unstratified_sizes():
    ds = load_penguins()
    parts = train_val_test_split(ds.X, ds.y, seed=0, stratify=True)
    plain = train_val_test_split(ds.X, ds.y, seed=0)
    assert [len(p) for p in parts] == [len(p) for p in plain]
    totals = np.bincount(ds.y)
    # Validation and test counts are rounded per class (off by < 1); training takes the rest.
    for y_part, fraction, slack in ((parts[3], 0.6, 2), (parts[4], 0.2, 1), (parts[5], 0.2, 1)):
        assert np.all(np.abs(np.bincount(y_part, minlength=3) - fraction * totals) < slack)


@pytest.mark.parametrize("size, shown", [("0.2", "'0.2'"), (True, "True"), (None, "None")])
def test_split_rejects_a_fraction_of_the_wrong_type(size, shown):
    X, y = numbered(10)
    with pytest.raises(TypeError, match=rf"^test_size must .*got {re.escape(shown)}$"):
        train_test_split(X, y, test_size=size)
    with pytest.raises(TypeError, match=rf"^val_size must .*got {re.escape(shown)}$"):
        train_val_test_split(X, y, val_size=size)


def test_split_rejects_bad_arguments():
    X, y = numbered(10)
    with pytest.raises(ValueError, match=r"same number of samples.*\(10, 3\).*\(9,\)"):
        train_val_test_split(X, y[:9])
    with pytest.raises(ValueError, match=r"^test_size must .*got 1.0$"):
        train_test_split(X, y, test_size=1.0)
    with pytest.raises(ValueError, match=r"^val_size must .*got -0.1$"):
        train_val_test_split(X, y, val_size=-0.1)
    with pytest.raises(ValueError, match=r"val_size \+ test_size must be < 1, got 0.5 \+ 0.5"):
        train_val_test_split(X, y, val_size=0.5, test_size=0.5)
    with pytest.raises(ValueError, match="stratify=True needs y .*integer.*got dtype float64"):
        train_test_split(X, y.astype(float), stratify=True)
    with pytest.raises(ValueError, match="training part would be empty: 2 samples"):
        train_val_test_split(X[:2], y[:2], val_size=0.45, test_size=0.45)


@pytest.mark.parametrize("y, sizes, label, count", [
    # 4 of class 0, 1 of class 7: the largest remainders hand the lone 7 to validation
    ([0, 0, 0, 0, 7], dict(val_size=0.3, test_size=0.5), 7, 1),
    # one sample per class: half of the classes go to the test part whole
    ([3, 5, 8, 13], dict(val_size=0.0, test_size=0.5), 3, 1),
])
def test_stratified_split_refuses_to_leave_a_class_out_of_training(y, sizes, label, count):
    y = np.array(y)
    X = np.arange(len(y), dtype=float)[:, None]
    X_before = X.copy()
    expected = (rf"stratify=True would leave class {label} \({count} samples?\) out of the "
                r"training part: .*validation.*test")
    with pytest.raises(ValueError, match=expected):
        train_val_test_split(X, y, seed=0, stratify=True, **sizes)
    np.testing.assert_array_equal(X, X_before)


@pytest.mark.parametrize("stratify", [False, True])
def test_split_refuses_an_empty_part_that_was_asked_for(stratify):
    X, y = numbered(4)
    y = y % 2
    with pytest.raises(ValueError, match=r"val_size=0\.1 of 4 samples gives an empty validation "
                                         r"part \(0\.4 rounds to 0\)"):
        train_val_test_split(X, y, val_size=0.1, test_size=0.5, seed=0, stratify=stratify)
    with pytest.raises(ValueError, match=r"test_size=0\.05 of 4 samples gives an empty test "
                                         r"part \(0\.2 rounds to 0\)"):
        train_test_split(X, y, test_size=0.05, seed=0, stratify=stratify)
    # asking for no part at all is fine
    parts = train_val_test_split(X, y, val_size=0.0, test_size=0.5, seed=0, stratify=stratify)
    assert [len(p) for p in parts[:3]] == [2, 0, 2]


# ---------------------------------------------------------------- Standardizer


def test_standardizer_fits_on_training_data_only():
    rng = np.random.default_rng(0)
    X = rng.normal([5.0, -3.0, 100.0], [2.0, 0.5, 30.0], size=(200, 3))
    X_tr, X_te = X[:150], X[150:] + 5 * X[:150].std(axis=0)
    s = Standardizer().fit(X_tr)
    np.testing.assert_allclose(s.mean_, X_tr.mean(axis=0))
    np.testing.assert_allclose(s.scale_, X_tr.std(axis=0))
    Z = s.transform(X_tr)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1.0)
    assert np.all(s.transform(X_te).mean(axis=0) > 4)  # shifted test data is not re-centred
    np.testing.assert_allclose(Standardizer().fit_transform(X_tr), Z)


def test_standardizer_constant_column_gets_scale_one():
    X = np.array([[1.0, 0.1, 2.0], [3.0, 0.1, 2.0], [5.0, 0.1, 2.0]])
    s = Standardizer()
    Z = s.fit_transform(X)
    np.testing.assert_array_equal(s.scale_[1:], [1.0, 1.0])
    np.testing.assert_array_equal(Z[:, 1:], 0.0)
    np.testing.assert_array_equal(s.inverse_transform(Z)[:, 1:], X[:, 1:])
    digits = load_digits().X
    assert np.isfinite(Standardizer().fit_transform(digits)).all()


@pytest.mark.parametrize(
    "dtype, expected",
    [(np.float32, np.float32), (np.float64, np.float64), (np.int64, np.float64)],
)
def test_standardizer_dtype_and_inverse_round_trip(dtype, expected):
    X = (np.random.default_rng(1).normal(size=(50, 4)) * 10).astype(dtype)
    s = Standardizer().fit(X)
    Z = s.transform(X)
    assert Z.dtype == expected
    back = s.inverse_transform(Z)
    assert back.dtype == expected
    np.testing.assert_allclose(back, X, rtol=1e-5 if expected == np.float32 else 1e-12)


def test_standardizer_errors():
    s = Standardizer()
    assert repr(s) == "Standardizer(not fitted)"
    with pytest.raises(RuntimeError, match="not fitted"):
        s.transform(np.zeros((2, 3)))
    s.fit(np.arange(8.0).reshape(2, 4))
    assert repr(s) == "Standardizer(n_features=4)"
    with pytest.raises(ValueError, match="X has 3 columns, but .* fitted on 4 columns"):
        s.transform(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="Z has 5 columns, but .* fitted on 4 columns"):
        s.inverse_transform(np.zeros((2, 5)))
    with pytest.raises(ValueError, match=r"X must be a 2-D numeric array.*got shape \(4,\)"):
        s.transform(np.zeros(4))
    with pytest.raises(TypeError, match="X must be a numeric array .*got dtype <U1"):
        s.transform(np.array([["a", "b", "c", "d"]]))
    with pytest.raises(TypeError, match="X must be a numeric array .*got dtype object"):
        Standardizer().fit([[1.0, None]])
    with pytest.raises(ValueError, match="only finite values.*1 NaN/inf"):
        Standardizer().fit(np.array([[1.0, np.nan], [2.0, 3.0]]))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_standardizer_column_constant_up_to_rounding_becomes_zeros_not_noise(dtype):
    # 0.1 + 0.2 is 0.30000000000000004: a column of "0.3" computed two ways differs only in
    # its last bit, and dividing by that spread used to blow rounding up to ±1.22
    ulps = np.array([0, 1, -1, 0, 2]) * np.finfo(dtype).eps  # off by a few steps of dtype
    X = np.column_stack([np.arange(5.0), 0.3 * (1 + ulps), -1e6 * (1 + ulps)]).astype(dtype)
    assert (X[:, 1:].max(axis=0) > X[:, 1:].min(axis=0)).all()  # not exactly constant
    s = Standardizer().fit(X)
    np.testing.assert_array_equal(s.scale_[1:], [1.0, 1.0])
    Z = s.transform(X)
    assert np.abs(Z[:, 1:]).max() <= 1e-6 * np.abs(X[:, 1:]).max()  # zeros up to rounding
    np.testing.assert_allclose(Z[:, 0], (X[:, 0] - 2) / np.sqrt(2), rtol=1e-6)


def test_standardizer_keeps_a_small_but_real_spread():
    # relative spread 1e-12 on 1e6 is thousands of float64 steps: data, not rounding
    X = (1e6 + np.array([0.0, 1e-6, 2e-6, 3e-6]))[:, None]
    s = Standardizer().fit(X)
    assert s.scale_[0] == pytest.approx(np.std(X), rel=1e-6)
    np.testing.assert_allclose(s.transform(X).std(), 1.0, rtol=1e-3)


@pytest.mark.parametrize("method, name", [("transform", "X"), ("inverse_transform", "Z")])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_standardizer_transform_refuses_nan_and_inf_as_fit_does(method, name, bad):
    s = Standardizer().fit(np.arange(6.0).reshape(3, 2))
    mean, scale = s.mean_.copy(), s.scale_.copy()
    A = np.array([[1.0, 2.0], [3.0, bad]])
    with pytest.raises(ValueError, match=rf"^{name} must contain only finite values, got 1 "
                                         rf"NaN/inf value, the first {bad} at row 1, column 1"):
        getattr(s, method)(A)
    np.testing.assert_array_equal(s.mean_, mean)  # nothing changed
    np.testing.assert_array_equal(s.scale_, scale)


def test_standardizer_transform_refuses_a_result_that_overflows():
    s = Standardizer().fit(np.array([[0.0], [1e-150]]))  # a genuine, tiny spread
    assert s.transform(np.array([[1e-150]]))[0, 0] == pytest.approx(1.0)
    with np.errstate(all="raise"), pytest.raises(
            ValueError, match=r"X column 0 overflows float64 when standardized \(mean_ "
                              r"5e-151, scale_ 5e-151\)"):
        s.transform(np.array([[1e160]]))
    with np.errstate(all="raise"), pytest.raises(
            ValueError, match=r"Z column 0 overflows float64 when transformed back"):
        Standardizer().fit(np.array([[0.0], [1e150]])).inverse_transform(np.array([[1e160]]))


def test_data_is_one_subpackage_with_one_module_per_concept():
    import importlib
    import importlib.util

    import mlp_core
    import mlp_core.data as data

    assert mlp_core.data is data and data.__path__  # a package, also reachable as an attribute
    for name in data.__all__:
        assert getattr(data, name) is not None, name
    homes = {"load_concrete": "nndata", "Dataset": "nndata", "find_data_file": "nndata",
             "make_moons": "toy", "make_toy": "toy", "separable_data": "toy",
             "train_test_split": "splits", "train_val_test_split": "splits",
             "Standardizer": "standardize"}
    for name, module in homes.items():
        assert getattr(data, name).__module__ == f"mlp_core.data.{module}", name
    for gone in ("dataset", "datasets", "csv_rows", "toy_data", "preprocessing"):
        assert importlib.util.find_spec(f"mlp_core.{gone}") is None, gone
