"""Rule packs: schema errors name the file, key and line; extends works; cycles are caught."""

import textwrap

import pytest

from ownlint.contracts.packs import load_contracts
from ownlint.types import ConfigError, ReceiverKind, Returns


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return str(path)


def error_of(path):
    with pytest.raises(ConfigError) as info:
        load_contracts([(path, None)])
    return str(info.value)


def test_valid_pack_with_extends(tmp_path):
    write(tmp_path, "base.toml", """\
        [pack]
        name = "base"
        [families]
        foo = "foo objects"
        [functions.foo_free]
        releases = 0
        family = "foo"
        """)
    path = write(tmp_path, "top.toml", """\
        [pack]
        name = "top"
        extends = ["./base.toml"]
        [functions.foo_new]
        returns = "owned"
        family = "foo"
        """)
    contracts = load_contracts([(path, None)])
    assert contracts.lookup(ReceiverKind.ANY, "foo_new").returns is Returns.OWNED
    assert contracts.lookup(ReceiverKind.ANY, "foo_free").releases == 0


@pytest.mark.parametrize(
    "text,expected",
    [
        ('[pack]\nname = "x"\n[functions.f]\nreturns = "own"\n',
         ":4: `functions.f.returns`: unknown value 'own'; allowed: none, owned, borrowed, static, "
         "singleton, python-owned, alias, status"),
        ('[pack]\nname = "x"\n\n[functions.f]\nrelease = 0\n',
         ":5: `functions.f.release`: unknown key; allowed: "),
        ('[pack]\nname = "x"\n[functions.f]\nreleases = "first"\n',
         ":4: `functions.f.releases`: must be an integer, not str"),
        ('[pack]\nname = "x"\n[functions.f]\nreturns = "borrowed"\n',
         ":3: `functions.f`: `returns = \"borrowed\"` needs `owner`, the argument that owns the result"),
        ('[pack]\nname = "x"\n[functions.f]\nreturns = "owned"\nfamily = "nope"\n',
         ":5: `functions.f.family`: unknown family 'nope'; declare it under [families]"),
        ('[pack]\ndescription = "x"\n', ":1: `pack`: missing `name` (every pack has a name)"),
        ('[pack]\nname = "x"\n[library]\nkind = "dll"\n', ":4: `library.kind`: unknown value 'dll'"),
        ('[pack\nname = "x"\n', ":1: invalid TOML: "),
        ('[pack]\nname = "x"\n[library]\npaths = ["libx", "(a+)+$"]\n',
         ":4: `library.paths`: regular expression '(a+)+$' nests quantifiers, which can take exponential time "
         "on a long library name; write it without a repeated group that itself repeats"),
        ('[pack]\nname = "x"\n[library]\npaths = ["(ab|a)*x"]\n',
         ":4: `library.paths`: regular expression '(ab|a)*x' repeats an alternation, which can take exponential "
         "time on a long library name; write the alternatives as separate patterns"),
        ('[pack]\nname = "x"\n[functions.f]\nreturns = "owned"\nowner = 0\n',
         ":5: `functions.f.owner`: `owner` names the argument that owns a borrowed result (`returns = \"borrowed\"`) "
         "or borrowed out-parameters (`out`)"),
        ('[pack]\nname = "x"\n[functions.f]\nfills = 0\n',
         ":4: `functions.f.fills`: `fills` needs `family`, the family of what the struct holds"),
        ('[pack]\nname = "x"\n[families]\ns = "s"\n[functions.f]\nempties = 0\n',
         ":6: `functions.f.empties`: `empties` needs `family`, the family of what the struct holds"),
        ('[pack]\nname = "x"\n[families]\ns = "s"\n[functions.f]\nreturns = "owned"\nfamily = "s"\nfills = 1\n',
         ":8: `functions.f.fills`: a function that fills a struct returns \"status\" or nothing, and has no `out`"),
        ('[pack]\nname = "x"\n[functions.f]\nfloating = true\n',
         ":4: `functions.f.floating`: `floating = true` describes a reference that may sink a floating one: "
         "it needs `refs`"),
        ('[pack]\nname = "x"\n[functions.f]\nkeeps = [0]\nholder = "caller"\n',
         ":5: `functions.f.holder`: unknown value 'caller'; a holder is an argument position or \"result\""),
        ('[pack]\nname = "x"\n[functions.f]\nkeeps = [0]\nholder = "result"\n',
         ":5: `functions.f.holder`: `holder = \"result\"` needs an owned result (`returns = \"owned\"`), whose "
         "release lets the kept arguments go"),
        ('[pack]\nname = "x"\n[library]\npaths = ["(x"]\n',
         ":4: `library.paths`: invalid regular expression '(x': missing ), unterminated subpattern at position 0"),
    ],
)
def test_errors_name_file_line_and_key(tmp_path, text, expected):
    path = write(tmp_path, "bad.toml", text)
    message = error_of(path)
    assert message.startswith(path + expected), message


def test_missing_extends(tmp_path):
    path = write(tmp_path, "a.toml", '[pack]\nname = "a"\nextends = ["nothere"]\n')
    message = error_of(path)
    assert message.startswith(path + ":3: `pack.extends`: extends 'nothere', which is neither a shipped pack (")


def test_circular_extends(tmp_path):
    write(tmp_path, "a.toml", '[pack]\nname = "a"\nextends = ["./b.toml"]\n')
    path_b = write(tmp_path, "b.toml", '[pack]\nname = "b"\nextends = ["./a.toml"]\n')
    message = error_of(str(tmp_path / "a.toml"))
    assert message == f"{path_b}: `pack.extends`: circular `extends`: a.toml -> b.toml -> a.toml"


def test_missing_pack_file(tmp_path):
    path = str(tmp_path / "absent.toml")
    assert error_of(path) == f"{path}: rule pack not found"


def test_success_comparisons_are_validated(tmp_path):
    pack = tmp_path / "p.toml"
    pack.write_text('[pack]\nname = "p"\n\n[functions.f]\nreturns = "status"\nsuccess = "at least 0"\n')
    with pytest.raises(ConfigError) as caught:
        load_contracts([(str(pack), None)], with_defaults=False)
    assert str(caught.value) == (f"{pack}:6: `functions.f.success`: 'at least 0' is neither a constant name nor "
                                 "a comparison such as \">= 0\"")
    pack.write_text('[pack]\nname = "p"\n\n[functions.f]\nreturns = "status"\nsuccess = [">= 0", "OK", 3]\n')
    contract = load_contracts([(str(pack), None)], with_defaults=False).lookup(ReceiverKind.ANY, "f")
    assert contract.success == ((">=", 0), "OK", 3)


def test_library_paths_are_matched_on_their_first_256_characters(tmp_path):
    """A pack's `paths` regexes are user input: a long library name is cut before they
    see it, so even a pattern that backtracks polynomially (`a*a*a*x`) stays cheap."""
    from .clirun import run

    pack = write(tmp_path, "x.toml", """\
        [pack]
        name = "x"
        [library]
        paths = ["^a*a*a*x"]
        [functions.x_new]
        returns = "owned"
        """)
    program = ("import ctypes\n\ndef f():\n    lib = ctypes.CDLL({name!r})\n    lib.x_new.restype = ctypes.c_void_p\n"
               "    h = lib.x_new()\n")
    (tmp_path / "short.py").write_text(program.format(name="a" * 200 + "x.so"))
    (tmp_path / "long.py").write_text(program.format(name="a" * 5000 + "x.so"))
    code, out, err = run("--no-cache", "-q", "--pack", pack, "--format", "json", "short.py", "long.py", cwd=tmp_path)
    import json

    assert [(f["path"], f["line"], f["code"]) for f in json.loads(out)] == [("short.py", 6, "OWN201")]
    assert (code, err) == (1, "")


def test_a_pack_of_many_functions(tmp_path):
    """20,000 functions: past a few dozen words the prefilter and the round planner look
    the files' words up in a set (a regex alternation of every name cost time per byte
    and per name, and was rebuilt per file); the answers are the same: whole words only."""
    from .clirun import run
    import json

    lines = ['[pack]', 'name = "many"', '[families]', 'h = "h objects"']
    for i in range(20_000):
        lines += [f'[functions.h{i}_new]', 'returns = "owned"', 'family = "h"',
                  f'[functions.h{i}_free]', 'releases = 0', 'family = "h"']
    pack = write(tmp_path, "many.toml", "\n".join(lines) + "\n")
    # No FFI word but a pack function called bare (a pack without [library] applies to any receiver).
    (tmp_path / "bare.py").write_text("def f():\n    h = h17_new()\n    h17_free(h)\n    h17_free(h)\n")
    (tmp_path / "inside.py").write_text("def f():\n    h = xh17_new_y()\n")  # only inside a longer name
    (tmp_path / "leak.py").write_text("def g():\n    return 1\n\ndef f():\n    h = h19999_new()\n")
    code, out, err = run("--no-cache", "--pack", pack, "--format", "json", ".", cwd=tmp_path)
    assert [(f["path"], f["line"], f["code"], f["message"]) for f in json.loads(out)] == [
        ("bare.py", 4, "OWN102", "`h` is released again by `h17_free`; it was already released (line 3)"),
        ("leak.py", 5, "OWN201", "`h` acquired by `h19999_new` is never released"),
    ]
    assert (code, err) == (1, "")


def test_address_needs_an_alias(tmp_path):
    pack = tmp_path / "bad.toml"
    pack.write_text('[pack]\nname = "bad"\n\n[functions.f]\nreturns = "owned"\naddress = true\n')
    with pytest.raises(ConfigError) as caught:
        load_contracts([(str(pack), None)], with_defaults=False)
    assert str(caught.value) == (f"{pack}:6: `functions.f.address`: `address = true` describes an alias: "
                                 'it needs `returns = "alias"`')
