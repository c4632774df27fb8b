/** Settings → the server's overrides, in the shape of `.prodlens.toml`. */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";

import { FORWARDED_SETTINGS, storeUrl, toServerConfig } from "../src/serverConfig";

describe("toServerConfig", () => {
  test("nothing set: nothing sent, so .prodlens.toml stays in charge", () => {
    assert.deepEqual(toServerConfig({}), { config: {}, problems: [] });
  });

  test("every setting lands at its place in the file's shape", () => {
    const { config, problems } = toServerConfig({
      store: "clickhouse+http://ch:8123/logs",
      window: "7d",
      service: "checkout",
      "dashboard.urlTemplate": "https://grafana/explore?q={query}&from={from}",
      "diagnostics.spikes": false,
      "diagnostics.neverHit": true,
      "diagnostics.dynamic": false,
      redact: false,
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(config, {
      window: "7d",
      service: "checkout",
      store: { url: "clickhouse+http://ch:8123/logs" },
      dashboard: { url_template: "https://grafana/explore?q={query}&from={from}" },
      diagnostics: { spikes: false, never_hit: true, dynamic: false },
      ingest: { redact: false },
    });
  });

  test("only the diagnostics switches that were set are sent", () => {
    assert.deepEqual(toServerConfig({ "diagnostics.neverHit": false }).config, { diagnostics: { never_hit: false } });
  });

  test("empty text settings mean unset", () => {
    assert.deepEqual(toServerConfig({ store: "  ", window: "", service: "", "dashboard.urlTemplate": "" }).config, {});
  });

  test("wrong values are reported by setting name and left out", () => {
    const { config, problems } = toServerConfig({
      window: "yesterday",
      redact: "no" as unknown as boolean,
      service: 42 as unknown as string,
      "diagnostics.spikes": true,
    });
    assert.deepEqual(config, { diagnostics: { spikes: true } });
    assert.deepEqual(problems, [
      'prodlens.window: "yesterday" is not a time window (use 15m, 1h, 24h, 7d or 30d)',
      "prodlens.service must be text, not 42",
      "prodlens.redact must be true or false, not \"no\"",
    ]);
    assert.match(toServerConfig({ window: "0h" }).problems[0], /not a time window/);
  });
});

describe("storeUrl", () => {
  test("URLs pass through, paths become embedded-store URLs", () => {
    assert.equal(storeUrl("sqlite:///.prodlens/store.db"), "sqlite:///.prodlens/store.db");
    assert.equal(storeUrl("loki+http://127.0.0.1:3100"), "loki+http://127.0.0.1:3100");
    assert.equal(storeUrl("logs/store.db"), "sqlite:///logs/store.db");
    assert.equal(storeUrl("/var/lib/prodlens/store.db"), "sqlite:////var/lib/prodlens/store.db");
    assert.equal(storeUrl("~/prod.db", { home: "/home/u" }), "sqlite:////home/u/prod.db");
    assert.equal(storeUrl("${workspaceFolder}/s.db", { workspaceFolder: "/ws" }), "sqlite:////ws/s.db");
    assert.equal(storeUrl("C:\\logs\\store.db"), "sqlite:///C:/logs/store.db");
  });
});

describe("package.json", () => {
  const manifest = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8"));
  const properties: Record<string, { default?: unknown; type?: unknown; markdownDescription?: string; description?: string }> =
    manifest.contributes.configuration.properties;

  test("contributes every forwarded setting with a description and a default of the right type", () => {
    for (const [key, kind] of Object.entries(FORWARDED_SETTINGS)) {
      const property = properties[`prodlens.${key}`];
      assert.ok(property, `prodlens.${key} is not contributed`);
      assert.equal(property.type, kind, `prodlens.${key} type`);
      assert.equal(typeof property.default, kind, `prodlens.${key} default`);
      assert.ok((property.markdownDescription ?? property.description ?? "").length > 20, `prodlens.${key} description`);
    }
  });

  test("every contributed setting is either forwarded or one the extension itself reads", () => {
    const own = new Set(["prodlens.server.command", "prodlens.server.python", "prodlens.trace.server"]);
    for (const key of Object.keys(properties)) {
      assert.ok(own.has(key) || key.slice("prodlens.".length) in FORWARDED_SETTINGS, `${key} is contributed but unused`);
    }
  });

  test("the boolean defaults agree with the server's defaults, so the Settings UI tells the truth", () => {
    // The server's defaults (config.py): diagnostics spikes/never_hit/dynamic and ingest.redact are all on.
    for (const key of ["diagnostics.spikes", "diagnostics.neverHit", "diagnostics.dynamic", "redact"]) {
      assert.equal(properties[`prodlens.${key}`].default, true, key);
    }
  });
});
