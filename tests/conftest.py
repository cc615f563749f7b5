import pytest

from .clirun import make_project


@pytest.fixture
def project(tmp_path):
    """A directory with `buggy.py` (a double free) and `clean.py`."""
    return make_project(tmp_path)
