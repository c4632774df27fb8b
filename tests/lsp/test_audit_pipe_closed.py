"""A client that closes the pipe without `exit` (an editor that crashed or was killed) ends the server at once.

The server returned through `asyncio.run`, which joined the index build running in the default executor: it
lived on, burning a core, until the build of a large workspace finished (19 s for 4,000 files), and said 0.
"""

from __future__ import annotations

from large_workspace import index_cache_written, indexing_client, wait_until_building  # noqa: F401 (fixture)


async def test_closed_pipe_ends_the_server_during_indexing(indexing_client):  # noqa: F811
    client = indexing_client
    await wait_until_building(client)
    client._server.stdin.close()  # the editor is gone: no shutdown, no exit
    assert await client._server.wait() == 1  # exit without shutdown, as the LSP specifies
    assert not index_cache_written(client)  # the process ended before the build could finish: not waited for
