"""`shutdown` then `exit` end the server at once, even while a large workspace is still being indexed.

pygls returned through `asyncio.run`, which joins the default executor, so the process lived until the index
build finished (23 s for a 4,000-file workspace) while the editor waited for it or killed it.
"""

from __future__ import annotations

from large_workspace import index_cache_written, indexing_client, wait_until_building  # noqa: F401 (fixture)


async def test_exit_does_not_wait_for_the_index_build(indexing_client):  # noqa: F811
    client = indexing_client
    await wait_until_building(client)
    await client.shutdown_session()  # shutdown, exit, and wait for the process to end
    assert client._server.returncode == 0
    assert not index_cache_written(client)  # the process ended before the build could finish: not waited for
