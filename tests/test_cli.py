"""What a user sees from the command line: exact output of each format, exit codes, errors."""

import json
import os
import subprocess
import sys
import textwrap


from ownlint import __version__

from .clirun import BUGGY, run
from .expectations import STACK_PACK

def test_text_output_is_exact(project):
    code, out, err = run("buggy.py", cwd=project)
    assert (code, err) == (1, "")
    assert out == textwrap.dedent(
        """\
        buggy.py:10:5: OWN102 `buf` is released again by `libc.free`; it was already released (line 9)
           |
        10 |     libc.free(buf)
           |     ^^^^^^^^^^^^^^ double-release
           |
          = buggy.py:9:5: released here
          = buggy.py:8:11: acquired here by `libc.malloc`
          = help: Release it once; set the variable to None after releasing if other code checks it.

        Found 1 finding in 1 file; contracts for 2 of 2 C functions called.
        """
    )


def test_text_output_quotes_file_names_that_could_be_misread(project):
    """A name with a control character, a quote, a backslash or a colon is printed as a
    double-quoted string with backslash escapes, so that every record is one line and
    `name:line:col:` can only be read one way; other names are printed as they are."""
    names = {
        "odd\nname.py": '"odd\\nname.py"',
        "colon:12:3: OWN999 fake.py": '"colon:12:3: OWN999 fake.py"',
        'say "hi".py': '"say \\"hi\\".py"',
        "back\\slash.py": '"back\\\\slash.py"',
        "tab\tand\x1b[31mred.py": '"tab\\tand\\x1b[31mred.py"',
        "line\u2028sep.py": '"line\\u2028sep.py"',
        os.fsdecode(b"caf\xe9.py"): '"caf\\xe9.py"',
        "café 漢字.py": "café 漢字.py",
    }
    (project / "buggy.py").unlink()
    for name, shown in names.items():
        folder = project / "quoted"
        folder.mkdir()
        (folder / name).write_text(BUGGY)
        code, out, err = run("--no-cache", name, cwd=folder)
        assert (code, err) == (1, "")
        lines = out.splitlines()
        assert lines[0] == f"{shown}:10:5: OWN102 `buf` is released again by `libc.free`; it was already released (line 9)"
        assert lines[5:7] == [f"  = {shown}:9:5: released here", f"  = {shown}:8:11: acquired here by `libc.malloc`"]
        assert len(lines) == 10
        (folder / name).unlink()
        (folder / name).symlink_to("nowhere")
        code, out, err = run("--no-cache", name, cwd=folder)
        assert (code, err) == (2, f"ownlint: {shown}: broken symbolic link (its target does not exist)\n")
        (folder / name).unlink()
        folder.rmdir()
    (project / os.fsdecode(b"caf\xe9.py")).write_text(BUGGY)  # a name that is not UTF-8: every format copes
    for format in ("json", "sarif", "github", "gitlab"):
        assert run("--format", format, ".", cwd=project)[::2] == (1, ""), format


def test_the_caret_is_placed_by_terminal_columns(project):
    """East Asian wide characters and emoji take two columns, combining marks none."""
    (project / "buggy.py").write_text(BUGGY.replace("    libc.free(buf)\n    libc.free(buf)\n",
                                                    "    libc.free(buf)\n    t = '漢字😀e\u0301'; libc.free(buf)\n"))
    code, out, _ = run("buggy.py", cwd=project)
    assert code == 1
    assert out.splitlines()[:4] == [
        "buggy.py:10:18: OWN102 `buf` is released again by `libc.free`; it was already released (line 9)",
        "   |",
        "10 |     t = '漢字😀e\u0301'; libc.free(buf)",
        "   | " + " " * (9 + 2 * 3 + 1 + 3) + "^" * 14 + " double-release",
    ]
    (project / "buggy.py").write_text(BUGGY.replace("libc.free(buf)\n\n", "libc.free(buf)\n").replace(
        "    libc.free(buf)\n    libc.free(buf)\n", "    libc.free(buf)\n    libc.free(buf  # 漢字\n    )\n"))
    assert run("buggy.py", cwd=project)[1].splitlines()[3] == "   |     " + "^" * (17 + 2 * 2) + " double-release"


def test_json_output_is_exact(project):
    code, out, _ = run("--format", "json", ".", cwd=project)
    assert code == 1
    assert json.loads(out) == [
        {
            "code": "OWN102",
            "name": "double-release",
            "path": "buggy.py",
            "line": 10,
            "column": 5,
            "end_line": 10,
            "end_column": 19,
            "message": "`buf` is released again by `libc.free`; it was already released (line 9)",
            "help": "Release it once; set the variable to None after releasing if other code checks it.",
            "related": [
                {"path": "buggy.py", "line": 9, "column": 5, "message": "released here"},
                {"path": "buggy.py", "line": 8, "column": 11, "message": "acquired here by `libc.malloc`"},
            ],
        }
    ]


def test_clean_run_exits_zero(project):
    assert run("clean.py", cwd=project) == (0, "All checks passed (1 file checked; no C library calls found).\n", "")


def test_paths_are_shown_as_given(project):
    code, out, _ = run("--format", "json", str(project))
    assert json.loads(out)[0]["path"] == os.path.join(str(project), "buggy.py")


def test_output_file(project):
    code, out, _ = run("--format", "json", "--output-file", "report.json", ".", cwd=project)
    assert (code, out) == (1, "")
    assert json.loads((project / "report.json").read_text())[0]["code"] == "OWN102"


def test_missing_path_is_an_error_and_the_rest_is_reported(project):
    code, out, err = run("--format", "json", "nope.py", "buggy.py", cwd=project)
    assert code == 2
    assert err == "ownlint: nope.py: no such file or directory\n"
    assert [f["code"] for f in json.loads(out)] == ["OWN102"]


def test_unparsable_file_is_a_finding_and_the_run_goes_on(project):
    (project / "broken.py").write_text("import ctypes\ndef broken(:\n    pass\n")
    code, out, _ = run("--format", "json", ".", cwd=project)
    assert code == 1
    found = [(f["path"], f["line"], f["column"], f["code"]) for f in json.loads(out)]
    assert found == [("broken.py", 2, 12, "OWN901"), ("buggy.py", 10, 5, "OWN102")]
    assert json.loads(out)[0]["message"] == "cannot analyse this file: syntax error: invalid syntax"


def test_non_utf8_file(project):
    (project / "latin.py").write_bytes(b"import ctypes\nx = '\xe9'\n")
    code, out, _ = run("--format", "json", "latin.py", cwd=project)
    finding = json.loads(out)[0]
    assert (code, finding["code"], finding["line"], finding["column"]) == (1, "OWN901", 2, 6)
    assert finding["message"] == ("cannot analyse this file: cannot decode it as utf-8 (invalid continuation byte "
                                  "at byte 19; is it a binary file, or does it need a coding cookie?)")


def test_deeply_nested_brackets_are_reported_not_crashed(project):
    # libcst's native parser kills the process on this; ownlint refuses it as CPython does.
    (project / "deep.py").write_text("import ctypes\nx = " + "(" * 3000 + "1" + ")" * 3000 + "\n")
    code, out, _ = run("--format", "json", "deep.py", cwd=project)
    assert code == 1
    assert [(f["line"], f["code"], f["message"]) for f in json.loads(out)] == [
        (1, "OWN901", "cannot analyse this file: it is nested deeper than Python allows")
    ]


def test_files_without_ffi_are_not_parsed(project):
    (project / "plain.py").write_text("def broken(:\n")
    assert run("plain.py", cwd=project)[0] == 0


def test_noqa_and_unused_noqa(project):
    source = BUGGY.replace("    libc.free(buf)\n    libc.free(buf)\n",
                           "    libc.free(buf)  # noqa: OWN102\n    libc.free(buf)  # ownlint: ignore[OWN102]\n")
    (project / "buggy.py").write_text(source)
    code, out, _ = run("--format", "json", "buggy.py", cwd=project)
    assert [(f["line"], f["column"], f["code"]) for f in json.loads(out)] == [(9, 21, "OWN900")]
    assert code == 1


def test_skip_file(project):
    (project / "buggy.py").write_text("# ownlint: skip-file\n" + BUGGY)
    assert run("buggy.py", cwd=project)[0] == 0


def test_select_and_ignore_flags(project):
    assert run("--ignore", "OWN1", "buggy.py", cwd=project)[0] == 0
    assert run("--select", "OWN2", "buggy.py", cwd=project)[0] == 0
    code, _, err = run("--select", "OWN999", "buggy.py", cwd=project)
    assert code == 2
    assert err == "ownlint: error: command line: `--select`: unknown rule code or prefix 'OWN999'\n"


def test_an_empty_selection_is_a_usage_error(project):
    for flag in ("--select", "--extend-select", "--ignore"):
        for given in ("", ",", " , "):
            code, out, err = run(flag, given, "buggy.py", cwd=project)
            assert (code, out) == (2, "")
            assert err == (f"ownlint: error: command line: `{flag}`: no rule code given (expected comma-separated "
                           "codes or prefixes such as OWN101, OWN1 or ALL)\n")
    assert run("rules", "--select", ",", cwd=project)[0] == 2


def test_configuration_errors_name_file_line_and_key(project):
    """Errors that used to surface as internal errors."""
    cases = {
        "pyproject.toml": ('tool = 1\n\n[project]\nname = "x"\n', 1, "tool", "must be a table"),
        "tables.toml": ('[tool]\nownlint = "yes"\n', 2, "tool.ownlint", "must be a table"),
        "exclude.toml": ('select = ["OWN1"]\nexclude = ["build", "!"]\n', 2, "exclude",
                         "not a gitignore pattern: '!'"),
        "extend.toml": ('extend-exclude = ["a\\\\"]\n', 1, "extend-exclude", "not a gitignore pattern: 'a\\\\'"),
        "pfi.toml": ('[per-file-ignores]\n"tests/*" = ["OWN201"]\n"\\\\" = ["OWN201"]\n', 3,
                     "per-file-ignores.\\", "not a gitignore pattern: '\\\\'"),
        "deep.toml": ("select = []\n\nx = " + "[" * 600 + "]" * 600 + "\n", 3, "x",
                      "invalid TOML: nested too deeply for Python's TOML reader"),
        "deeptable.toml": ("[a]\nb = 1\nc = " + "{d = " * 600 + "1" + "}" * 600 + "\n", 3, "a.c",
                           "invalid TOML: nested too deeply for Python's TOML reader"),
    }
    for name, (text, line, key, message) in cases.items():
        folder = project / name.replace(".", "_")
        folder.mkdir()
        config = folder / ("pyproject.toml" if name.startswith("pyproject") or name == "tables.toml" else name)
        config.write_text(text)
        code, out, err = run("--config", str(config), "buggy.py", cwd=project)
        assert (code, out, err) == (2, "", f"ownlint: error: {config}:{line}: `{key}`: {message}\n"), name
    code, _, err = run("--extend-exclude", "build,!", "buggy.py", cwd=project)
    assert (code, err) == (2, "ownlint: error: command line: `--extend-exclude`: not a gitignore pattern: '!'\n")


def test_a_gitignore_line_that_is_not_a_pattern_is_skipped_as_git_does(project):
    (project / ".gitignore").write_text("!\nbuggy.py\n\\\n")
    assert run(".", cwd=project) == (0, "All checks passed (1 file checked; no C library calls found).\n", "")


def test_pyproject_configuration(project):
    (project / "pyproject.toml").write_text('[tool.ownlint]\nper-file-ignores = { "buggy.py" = ["OWN102"] }\n')
    assert run("buggy.py", cwd=project)[0] == 0


def test_config_unknown_option_names_file_line_and_key(project):
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.ownlint]\nselekt = ["OWN1"]\n')
    code, out, err = run("buggy.py", cwd=project)
    assert code == 2 and out == ""
    assert err.startswith(f"ownlint: error: {project / 'pyproject.toml'}:5: `tool.ownlint.selekt`: unknown option; allowed: ")


def test_config_wrong_type(project):
    (project / "ownlint.toml").write_text('select = "OWN1"\n')
    code, _, err = run("buggy.py", cwd=project)
    assert code == 2
    assert err == f"ownlint: error: {project / 'ownlint.toml'}:1: `select`: must be an array, not str\n"


def test_config_unknown_code(project):
    (project / "ownlint.toml").write_text('ignore = ["OWN1", "XYZ1"]\n')
    code, _, err = run("buggy.py", cwd=project)
    assert code == 2
    assert err == (f"ownlint: error: {project / 'ownlint.toml'}:1: `ignore`: unknown rule code or prefix "
                   "'XYZ1'; run `ownlint rules` for the list\n")


def test_gitignore_and_exclude_are_respected(project):
    (project / ".gitignore").write_text("generated/\n")
    (project / "generated").mkdir()
    (project / "generated" / "bad.py").write_text(BUGGY)
    (project / "vendor").mkdir()
    (project / "vendor" / "bad.py").write_text(BUGGY)
    (project / "ownlint.toml").write_text('extend-exclude = ["vendor"]\n')
    code, out, _ = run("--format", "json", ".", cwd=project)
    assert sorted({f["path"] for f in json.loads(out)}) == ["buggy.py"]
    # A file named on the command line is linted even when excluded.
    code, out, _ = run("--format", "json", "vendor/bad.py", cwd=project)
    assert [f["path"] for f in json.loads(out)] == ["vendor/bad.py"]


def test_explain_and_rules():
    code, out, _ = run("explain", "OWN101")
    assert code == 0 and out.startswith("# use-after-release (OWN101)\n")
    assert run("explain", "double-release")[1].startswith("# double-release (OWN102)")
    code, _, err = run("explain", "OWN999")
    assert code == 2 and "unknown rule 'OWN999'" in err
    code, out, _ = run("rules", "--format", "json")
    rows = {r["code"]: r for r in json.loads(out)}
    assert rows["OWN203"]["enabled"] is False and rows["OWN101"]["enabled"] is True


def test_version_and_module_entry_point():
    done = subprocess.run([sys.executable, "-m", "ownlint", "--version"], capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, f"ownlint {__version__}\n")


def test_pack_flag(tmp_path):
    (tmp_path / "prog.py").write_text(textwrap.dedent(
        """\
        import ctypes
        lib = ctypes.CDLL("libstack_c.so")
        lib.stack_create.restype = ctypes.c_void_p
        def leak():
            s = lib.stack_create(4)
            return lib.stack_size(s)
        """
    ))
    assert run("prog.py", cwd=tmp_path)[0] == 0
    code, out, _ = run("--pack", STACK_PACK, "--format", "json", "prog.py", cwd=tmp_path)
    assert [(f["line"], f["code"]) for f in json.loads(out)] == [(5, "OWN201")]


def test_config_subcommand_says_where_values_come_from(project):
    (project / "ownlint.toml").write_text('ignore = ["OWN204"]\nextend-exclude = ["gen"]\n')
    code, out, _ = run("config", ".", cwd=project)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"# configuration file: {project / 'ownlint.toml'}"
    assert "'OWN204'" not in lines[1] and "'OWN101'" in lines[1]
    assert lines[1].endswith(f"# select from default, extend-select from default, ignore from {project / 'ownlint.toml'}")
    assert lines[3] == "extend-exclude = ['gen']"


def test_bad_pack_on_the_command_line(project):
    (project / "bad.toml").write_text('[pack]\nname = "bad"\n[functions.f]\nreturns = "own"\n')
    code, out, err = run("--pack", "bad.toml", "buggy.py", cwd=project)
    assert (code, out) == (2, "")
    assert err.startswith(f"ownlint: error: {project / 'bad.toml'}:4: `functions.f.returns`: unknown value 'own'")
