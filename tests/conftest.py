from pathlib import Path

import pytest

DATA_DIR = Path(__file__).parent / "data"


@pytest.fixture
def samples_dir() -> Path:
    """Real sample files, one sub-folder per format (``hf-daily``, ``bibtex`` …)."""
    return DATA_DIR
