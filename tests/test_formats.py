"""The machine-readable formats and terminal options: SARIF, github, gitlab, --statistics, --quiet, colour."""

import io
import json
import os
import re
from pathlib import Path

import pytest

from ownlint import cli
from ownlint.run import progress
from ownlint.report.formats import github

from .clirun import run
from .expectations import STACK_PACK

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
EXAMPLES = ROOT / "examples" / "stack"


def sarif_of(*argv, cwd):
    code, out, err = run("--format", "sarif", *argv, cwd=cwd)
    return code, json.loads(out), err


def test_sarif_result_carries_region_related_flow_and_fingerprint(project):
    code, log, err = sarif_of("buggy.py", cwd=project)
    assert (code, err) == (1, "")
    assert log["version"] == "2.1.0"
    (run_,) = log["runs"]
    driver = run_["tool"]["driver"]
    assert (driver["name"], driver["informationUri"]) == ("ownlint", "https://github.com/ownlint/ownlint")
    assert [r["id"] for r in driver["rules"]] == ["OWN102"]
    rule = driver["rules"][0]
    assert rule["name"] == "double-release"
    assert rule["helpUri"].endswith("/docs/rules/OWN102.md")
    assert rule["help"]["markdown"].startswith("# double-release (OWN102)")
    (result,) = run_["results"]
    assert result["ruleId"] == "OWN102" and result["level"] == "error"
    assert result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "buggy.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 10, "startColumn": 5, "endLine": 10, "endColumn": 19},
    }
    assert result["locations"][0]["logicalLocations"] == [{"fullyQualifiedName": "twice"}]
    assert [r["message"]["text"] for r in result["relatedLocations"]] == ["released here", "acquired here by `libc.malloc`"]
    steps = result["codeFlows"][0]["threadFlows"][0]["locations"]
    assert [(s["location"]["physicalLocation"]["region"]["startLine"], s["location"]["message"]["text"]) for s in steps] == [
        (8, "acquired here by `libc.malloc`"),
        (9, "released here"),
        (10, "`buf` is released again by `libc.free`; it was already released (line 9)"),
    ]
    assert re.fullmatch(r"[0-9a-f]{32}", result["partialFingerprints"]["ownlint/v1"])
    assert "suppressions" not in result


def test_sarif_keeps_suppressed_findings_marked_as_suppressed(project):
    lines = (project / "buggy.py").read_text().splitlines()
    assert lines[9] == "    libc.free(buf)"
    lines[9] += "  # noqa: OWN102"
    (project / "buggy.py").write_text("\n".join(lines) + "\n")
    code, log, _ = sarif_of("buggy.py", cwd=project)
    assert code == 0  # nothing unsuppressed
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "OWN102"
    assert result["suppressions"] == [{"kind": "inSource", "justification": "suppressed by a comment in the source"}]


def test_sarif_fingerprint_survives_inserted_lines(project):
    _, before, _ = sarif_of("buggy.py", cwd=project)
    text = (project / "buggy.py").read_text()
    (project / "buggy.py").write_text("# a header\n\n\n" + text.replace("def twice", "X = 1\n\n\ndef twice"))
    _, after, _ = sarif_of("buggy.py", cwd=project)
    old, new = before["runs"][0]["results"][0], after["runs"][0]["results"][0]
    assert new["locations"][0]["physicalLocation"]["region"]["startLine"] == 16
    assert new["partialFingerprints"] == old["partialFingerprints"]


def test_sarif_reports_unanalysable_files_as_notifications(project):
    code, log, _ = sarif_of("buggy.py", "missing.py", cwd=project)
    assert code == 2
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["message"]["text"] == "no such file or directory"
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "missing.py"


@pytest.mark.skipif(not SCHEMA.is_file(), reason="the SARIF schema lives in ../shared/schemas")
def test_sarif_of_the_examples_validates_against_the_official_schema(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text())
    # The examples, plus a suppressed finding and a file that cannot be analysed.
    for name in ("use_after_destroy.py", "leaks.py", "borrowed.py", "correct.py"):
        (tmp_path / name).write_text((EXAMPLES / name).read_text())
    text = (tmp_path / "leaks.py").read_text().splitlines()
    (tmp_path / "leaks.py").write_text("\n".join(line + "  # noqa" if "OWN201" in line else line for line in text) + "\n")
    (tmp_path / "broken.py").write_text("import ctypes\ndef f(:\n")
    code, log, _ = sarif_of("--pack", str(STACK_PACK), ".", cwd=tmp_path)
    assert code == 1
    jsonschema.validate(log, schema, cls=jsonschema.Draft4Validator)
    results = log["runs"][0]["results"]
    assert sum("suppressions" in r for r in results) == 1
    assert {r["ruleId"] for r in results} >= {"OWN101", "OWN102", "OWN201", "OWN901"}
    assert len({r["partialFingerprints"]["ownlint/v1"] for r in results}) == len(results)


# --- github --------------------------------------------------------------------------

# https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions
WORKFLOW_COMMAND = re.compile(r"::(error|warning|notice) ((?:[a-zA-Z]+=[^,:]*)(?:,[a-zA-Z]+=[^,:]*)*)::(.*)")


def parse_workflow_command(line):
    match = WORKFLOW_COMMAND.fullmatch(line)
    assert match, line
    props = dict(item.split("=", 1) for item in match.group(2).split(","))
    unescape = lambda s: s.replace("%0A", "\n").replace("%0D", "\r").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")  # noqa: E731
    return match.group(1), {k: unescape(v) for k, v in props.items()}, unescape(match.group(3))


def test_github_format_is_exact(project):
    code, out, err = run("--format", "github", "buggy.py", cwd=project)
    assert (code, err) == (1, "")
    assert out == (
        "::error file=buggy.py,line=10,col=5,endLine=10,endColumn=19,title=ownlint (OWN102)::"
        "`buf` is released again by `libc.free`; it was already released (line 9) [double-release]\n"
    )


def test_github_lines_parse_as_workflow_commands(project, tmp_path):
    for name in ("leaks.py", "use_after_destroy.py"):
        (project / name).write_text((EXAMPLES / name).read_text())
    code, out, _ = run("--format", "github", "--pack", str(STACK_PACK), ".", cwd=project)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) > 5
    for line in lines:
        level, props, message = parse_workflow_command(line)
        assert set(props) == {"file", "line", "col", "endLine", "endColumn", "title"}
        assert level == ("warning" if props["title"].startswith("ownlint (OWN2") else "error")
        assert message


def test_github_escaping():
    line = github.command("error", "50% done\r\nnext", file="a,b:c.py", title="ownlint (OWN101)")
    assert line == "::error file=a%2Cb%3Ac.py,title=ownlint (OWN101)::50%25 done%0D%0Anext"
    assert parse_workflow_command(line) == ("error", {"file": "a,b:c.py", "title": "ownlint (OWN101)"}, "50% done\r\nnext")


# --- gitlab --------------------------------------------------------------------------


def test_gitlab_format_is_exact(project):
    code, out, _ = run("--format", "gitlab", "buggy.py", cwd=project)
    assert code == 1
    (issue,) = json.loads(out)
    fingerprint = issue.pop("fingerprint")
    assert re.fullmatch(r"[0-9a-f]{32}", fingerprint)
    assert issue == {
        "type": "issue",
        "check_name": "OWN102",
        "description": "OWN102 `buf` is released again by `libc.free`; it was already released (line 9)",
        "content": {"body": "Release it once; set the variable to None after releasing if other code checks it."},
        "categories": ["Bug Risk"],
        "severity": "critical",
        "location": {"path": "buggy.py", "positions": {"begin": {"line": 10, "column": 5}, "end": {"line": 10, "column": 19}}},
    }
    _, sarif, _ = sarif_of("buggy.py", cwd=project)
    assert sarif["runs"][0]["results"][0]["partialFingerprints"]["ownlint/v1"] == fingerprint


def test_gitlab_fingerprints_are_unique_for_identical_statements(tmp_path):
    (tmp_path / "twin.py").write_text(
        "import ctypes\nlibc = ctypes.CDLL(None)\nlibc.malloc.restype = ctypes.c_void_p\n\ndef f():\n"
        "    libc.malloc(8)\n    libc.malloc(8)\n"
    )
    code, out, _ = run("--format", "gitlab", "twin.py", cwd=tmp_path)
    issues = json.loads(out)
    assert code == 1 and [i["check_name"] for i in issues] == ["OWN204", "OWN204"]
    assert issues[0]["fingerprint"] != issues[1]["fingerprint"]


# --- terminal options ------------------------------------------------------------------


def test_statistics(project):
    (project / "leaks.py").write_text((EXAMPLES / "leaks.py").read_text())
    code, out, _ = run("--statistics", "--pack", str(STACK_PACK), ".", cwd=project)
    assert code == 1
    assert out == (
        "3  OWN202  leak-on-path\n1  OWN102  double-release\n1  OWN201  leak\n1  OWN204  discarded-result\n"
        "Found 6 findings.\n"
    )
    _, out, _ = run("--statistics", "--format", "json", "buggy.py", cwd=project)
    assert json.loads(out) == [{"code": "OWN102", "name": "double-release", "count": 1}]


def test_statistics_with_another_format_is_a_usage_error(project):
    code, _, err = run("--statistics", "--format", "sarif", "buggy.py", cwd=project)
    assert code == 2
    assert "--statistics works with --format json or text, not sarif" in err


def test_quiet_prints_findings_only(project):
    code, out, _ = run("--quiet", "clean.py", cwd=project)
    assert (code, out) == (0, "")
    code, out, _ = run("-q", "buggy.py", cwd=project)
    assert code == 1 and out.startswith("buggy.py:10:5: OWN102") and "Found" not in out


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize(("environ", "tty", "expected"), [
    ({}, True, True),
    ({}, False, False),
    ({"NO_COLOR": "1"}, True, False),
    ({"NO_COLOR": ""}, True, True),  # https://no-color.org: set *and not empty*
    ({"FORCE_COLOR": "1"}, False, True),
    ({"FORCE_COLOR": "0"}, True, True),
    ({"FORCE_COLOR": "0"}, False, False),
    ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, True),
])
def test_colour_only_on_a_terminal_honouring_no_color_and_force_color(environ, tty, expected):
    stream = FakeTerminal() if tty else io.StringIO()
    assert cli.use_color(stream, environ) is expected


def test_forced_colour_output(project, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    _, out, _ = run("buggy.py", cwd=project)
    assert out.splitlines()[0] == (
        "\x1b[1mbuggy.py:10:5:\x1b[0m \x1b[1;31mOWN102\x1b[0m "
        "`buf` is released again by `libc.free`; it was already released (line 9)"
    )
    _, out, _ = run("--format", "json", "buggy.py", cwd=project)
    assert "\x1b" not in out


def test_progress_appears_only_after_a_delay_and_is_erased():
    now = [0.0]
    stream = FakeTerminal()
    meter = progress.Progress(stream, clock=lambda: now[0])
    meter(1, 10)
    assert stream.getvalue() == ""  # short runs show nothing
    now[0] = 2.5
    meter(5, 10)
    now[0] = 2.55
    meter(6, 10)  # too soon after the last update
    now[0] = 2.7
    meter(7, 10)
    meter.finish()
    assert stream.getvalue() == "\rownlint: 5/10 files\rownlint: 7/10 files\r\x1b[K"


def test_progress_is_off_when_stderr_is_not_a_terminal_or_quiet():
    assert progress.wanted(FakeTerminal(), quiet=False)
    assert not progress.wanted(io.StringIO(), quiet=False)
    assert not progress.wanted(FakeTerminal(), quiet=True)


def test_broken_pipe_is_not_a_traceback(tmp_path):
    import subprocess
    import sys
    for index in range(30):
        (tmp_path / f"m{index}.py").write_text("import ctypes\nlibc = ctypes.CDLL(None)\nlibc.malloc(8)\n")
    proc = subprocess.run(
        f"{sys.executable} -m ownlint . | head -1", shell=True, cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout.startswith("m0.py:3:1: OWN204")
    assert "Traceback" not in proc.stderr and "Error" not in proc.stderr
