/** The status bar item's text and tooltip. */

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { parseStatus, statusView } from "../src/status";

describe("statusView", () => {
  test("connected store shows the window only", () => {
    const view = statusView({ store: "connected", window: "7d", url: "sqlite:///.prodlens/store.db" }, "24h");
    assert.equal(view.text, "$(pulse) prodlens 7d");
    assert.match(view.tooltip, /store connected/);
    assert.match(view.tooltip, /Store: sqlite:\/\/\/\.prodlens\/store\.db/);
    assert.match(view.tooltip, /Click to change the time window/);
    assert.equal(view.warning, false);
  });

  test("stale and unreachable stores say so in the item, unreachable with a warning colour", () => {
    assert.equal(statusView({ store: "stale", window: "1h" }, undefined).text, "$(history) prodlens 1h (stale)");
    const down = statusView({ store: "unreachable", detail: "connection refused" }, "24h");
    assert.equal(down.text, "$(debug-disconnect) prodlens 24h (unreachable)");
    assert.match(down.tooltip, /connection refused/);
    assert.equal(down.warning, true);
  });

  test("before the server reports, the window we asked for is shown", () => {
    assert.equal(statusView(undefined, "30d").text, "$(sync~spin) prodlens 30d");
    assert.equal(statusView(undefined, undefined).text, "$(sync~spin) prodlens 24h");
    const running = statusView({ store: "running" }, "7d");
    assert.equal(running.text, "$(pulse) prodlens 7d");
    assert.match(running.tooltip, /server running/);
  });
});

describe("parseStatus", () => {
  test("keeps well-typed fields and drops the rest", () => {
    assert.deepEqual(parseStatus({ store: "stale", window: 5, url: "x", extra: true }), {
      store: "stale",
      window: undefined,
      url: "x",
      detail: undefined,
    });
    assert.equal(parseStatus(null), undefined);
    assert.equal(parseStatus("connected"), undefined);
  });
});
