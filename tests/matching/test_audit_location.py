"""Deployed code locations mapped to repository paths by their trailing path components."""

from __future__ import annotations

from pathlib import Path

import pytest

from prodlens.config import load_config
from prodlens.matching.location import LocationIndex
from prodlens.source.index import StatementIndex

SOURCE = 'import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef place(order):\n    logger.info("Order %s", order)\n'


@pytest.fixture()
def locations(tmp_path: Path) -> LocationIndex:
    for path in ("shop/orders.py", "vendor/lib/shop/orders.py", "a/billing/orders.py", "b/billing/orders.py"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(SOURCE)
    return LocationIndex(StatementIndex.build(tmp_path, load_config(tmp_path)).statements)


@pytest.mark.parametrize("deployed, expected", [
    # a vendored copy shares as many trailing components, but goes on with a folder the deployed path lacks
    ("/usr/lib/python3/site-packages/shop/orders.py", "shop/orders.py"),
    ("/app/src/shop/orders.py", "shop/orders.py"),
    ("/app/vendor/lib/shop/orders.py", "vendor/lib/shop/orders.py"),
    ("shop/orders.py", "shop/orders.py"),
    # still no answer when nothing tells the copies apart
    ("orders.py", None),
    ("/srv/billing/orders.py", None),
    ("/srv/b/billing/orders.py", "b/billing/orders.py"),
])
def test_a_tie_goes_to_the_path_the_deployed_path_ends_with(locations, deployed, expected):
    """A tie used to be no answer even when only one of the tied files is consistent with the deployed path:
    a vendored copy of a package made every site-packages location of the package itself unmappable."""
    assert locations.repository_path(deployed) == expected
