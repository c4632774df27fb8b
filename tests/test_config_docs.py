"""The configuration reference in docs/configuration.md must be valid configuration: every key it shows is
parsed by the real loader, so the documentation cannot drift from the code."""

import re
import tomllib
from pathlib import Path

from prodlens.config import from_dict

DOC = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"


def test_the_documented_example_is_accepted_by_the_loader():
    blocks = re.findall(r"```toml\n(.*?)```", DOC.read_text(), re.S)
    assert blocks, "docs/configuration.md has no toml example"
    for block in blocks:
        config = from_dict(tomllib.loads(block), "docs/configuration.md")
        assert config.window == "24h"
