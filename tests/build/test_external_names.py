"""docs/_ext/api_references.py's check of the Python names outside xavier that the API pages' type hints mention: an
existing object is shown as code without a link; any other name is left unresolved, so the nitpicky
build fails on it."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def conf():
    spec = importlib.util.spec_from_file_location("api_references", ROOT / "docs" / "_ext" / "api_references.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["numpy.ndarray", "np.ndarray", "numpy.random.Generator",
                                  "collections.abc.Sequence", "typing.Literal"])
def test_existing_objects_pass(conf, name):
    assert conf.external_object_exists(name)


@pytest.mark.parametrize("name", ["numpy.ndarrey", "np.random.Generatr", "collections.abc.Sequense",
                                  "no_such_module.Thing"])
def test_misspelt_names_do_not(conf, name):
    assert not conf.external_object_exists(name)
