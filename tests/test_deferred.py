"""A deferred module runs the moment a name is read from it, and is then the module itself."""

import importlib.machinery
import importlib.util
import subprocess
import sys

import pytest

from newsearch import deferred

# What only building or inspecting an index needs: a query imports none of it.
INDEXING = (
    "newsearch.index_models",
    "newsearch.engine_index",
    "newsearch.indexer.raw",
    "whoosh.writing",
    "whoosh.sorting",
    "dateutil",
)
SOURCE = "RAN = True\n\ndef double(x):\n    return 2 * x\n"


@pytest.fixture
def module_named(tmp_path, monkeypatch):
    """A fresh module of the given source on sys.path, taken out of sys.modules afterwards."""
    monkeypatch.syspath_prepend(str(tmp_path))
    made = []

    def make(name: str, source: str = SOURCE) -> str:
        (tmp_path / f"{name}.py").write_text(source)
        made.append(name)
        return name

    yield make
    for name in made:
        sys.modules.pop(name, None)
        deferred._pending.discard(name)


def test_a_deferred_module_runs_when_a_name_is_first_read(module_named):
    name = module_named("ns_deferred_read")
    module = deferred.defer(name)
    assert module is sys.modules[name] and __import__(name) is module
    assert "RAN" not in vars(module) and not deferred.loaded(name)
    assert module.RAN is True  # the first read runs it
    assert deferred.loaded(name) and module.double(2) == 4
    with pytest.raises(AttributeError):
        module.missing  # noqa: B018 - a name it lacks, once run, is an AttributeError


def test_a_function_taken_from_it_stands_in_until_called(module_named):
    name = module_named("ns_deferred_call")
    deferred.defer(name, ("double",))
    stand_in = __import__(name, fromlist=["double"]).double  # `from name import double`
    assert not deferred.loaded(name)
    assert stand_in(21) == 42
    assert deferred.loaded(name) and sys.modules[name].double is not stand_in


def test_a_module_that_fails_to_run_is_imported_again_next_time(module_named):
    name = module_named("ns_deferred_fails", "raise ValueError('broken')\n")
    module = deferred.defer(name)
    with pytest.raises(ValueError, match="broken"):
        module.anything  # noqa: B018
    assert name not in sys.modules  # as after a failed import


def test_imported_missing_packaged_or_compiled_modules_are_left_alone():
    assert deferred.defer("sys") is None  # imported already
    assert deferred.defer("ns_deferred_nowhere") is None
    assert deferred.defer("email") is None and "email" not in deferred._pending  # a package
    spec = importlib.util.find_spec("audioop")  # an extension module no test imports
    if spec is not None and "audioop" not in sys.modules:
        assert isinstance(spec.loader, importlib.machinery.ExtensionFileLoader)
        assert deferred.defer("audioop") is None and "audioop" not in sys.modules


def test_a_plain_query_runs_none_of_the_modules_deferred_for_it(seeded, tmp_path):
    code = (
        "import sys\n"
        "from newsearch import deferred\n"
        "from newsearch.cli import main\n"
        "main()\n"
        "print([name for name in deferred.UNUSED_BY_A_QUERY if deferred.loaded(name)])\n"
        "print(sorted({name for name in sys.modules if name.startswith(INDEXING)}))\n"
    ).replace("INDEXING", repr(INDEXING))
    for text in ("Mueller inquiry", "Muellr"):  # a hit; none (a did-you-mean looked for)
        argv = ["-i", str(seeded.location), "query", text]
        done = subprocess.run(
            [sys.executable, "-c", code, *argv], capture_output=True, text=True, cwd=tmp_path
        )
        assert done.returncode == 0, done.stderr
        *shown, ran, indexing = done.stdout.splitlines()
        assert shown and (ran, indexing) == ("[]", "[]")
