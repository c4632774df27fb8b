/**
 * VS Code settings → the server's configuration overrides.
 *
 * The server merges what we send on top of `.prodlens.toml` (same shape as that file), so only settings the
 * user set explicitly are sent: a default shown in the Settings UI must never silently override the
 * project's file. Kept free of the `vscode` module so it can be tested under Node's test runner.
 */

import { expandPath } from "./serverDiscovery";

/** The overrides in the shape of `.prodlens.toml` (see the server's `config.py`). */
export interface ServerConfig {
  window?: string;
  service?: string;
  store?: { url: string };
  dashboard?: { url_template: string };
  diagnostics?: { spikes?: boolean; never_hit?: boolean; dynamic?: boolean };
  ingest?: { redact: boolean };
}

/**
 * Setting keys (relative to `prodlens.`) that are forwarded to the server, with the kind of value each
 * takes. `package.json` contributes exactly these (a unit test keeps the two in step).
 */
export const FORWARDED_SETTINGS = {
  store: "string",
  window: "string",
  service: "string",
  "dashboard.urlTemplate": "string",
  "diagnostics.spikes": "boolean",
  "diagnostics.neverHit": "boolean",
  "diagnostics.dynamic": "boolean",
  redact: "boolean",
} as const;

export type ForwardedSetting = keyof typeof FORWARDED_SETTINGS;

/** Values the user set explicitly (workspace folder, workspace or user level), keyed as above. */
export type ExplicitSettings = Partial<Record<ForwardedSetting, unknown>>;

const WINDOW_RE = /^\s*\d+\s*[smhdw]\s*$/;
const URL_SCHEME_RE = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * A store setting as the server wants it: URLs pass through; a file path becomes an embedded-store URL
 * (`sqlite:///` + path, where the server reads a relative path against the workspace root).
 */
export function storeUrl(value: string, context: { home?: string; workspaceFolder?: string } = {}): string {
  const trimmed = value.trim();
  if (URL_SCHEME_RE.test(trimmed)) {
    return trimmed;
  }
  const path = expandPath(trimmed, context).replace(/\\/g, "/");
  return `sqlite:///${path}`;
}

/**
 * Build the overrides and list the settings that were ignored because their value was wrong, so the
 * extension can say so once instead of sending something the server would reject as a whole.
 */
export function toServerConfig(
  explicit: ExplicitSettings,
  context: { home?: string; workspaceFolder?: string } = {},
): { config: ServerConfig; problems: string[] } {
  const config: ServerConfig = {};
  const problems: string[] = [];

  const text = (key: ForwardedSetting): string | undefined => {
    const value = explicit[key];
    if (value === undefined || value === null) {
      return undefined;
    }
    if (typeof value !== "string") {
      problems.push(`prodlens.${key} must be text, not ${JSON.stringify(value)}`);
      return undefined;
    }
    return value.trim() === "" ? undefined : value.trim();
  };
  const flag = (key: ForwardedSetting): boolean | undefined => {
    const value = explicit[key];
    if (value === undefined || value === null) {
      return undefined;
    }
    if (typeof value !== "boolean") {
      problems.push(`prodlens.${key} must be true or false, not ${JSON.stringify(value)}`);
      return undefined;
    }
    return value;
  };

  const window = text("window");
  if (window !== undefined) {
    if (WINDOW_RE.test(window) && !/^\s*0+\s*[a-z]/i.test(window)) {
      config.window = window.replace(/\s+/g, "");
    } else {
      problems.push(`prodlens.window: "${window}" is not a time window (use 15m, 1h, 24h, 7d or 30d)`);
    }
  }
  const service = text("service");
  if (service !== undefined) {
    config.service = service;
  }
  const store = text("store");
  if (store !== undefined) {
    config.store = { url: storeUrl(store, context) };
  }
  const template = text("dashboard.urlTemplate");
  if (template !== undefined) {
    config.dashboard = { url_template: template };
  }

  const diagnostics: NonNullable<ServerConfig["diagnostics"]> = {};
  const spikes = flag("diagnostics.spikes");
  if (spikes !== undefined) {
    diagnostics.spikes = spikes;
  }
  const neverHit = flag("diagnostics.neverHit");
  if (neverHit !== undefined) {
    diagnostics.never_hit = neverHit;
  }
  const dynamic = flag("diagnostics.dynamic");
  if (dynamic !== undefined) {
    diagnostics.dynamic = dynamic;
  }
  if (Object.keys(diagnostics).length > 0) {
    config.diagnostics = diagnostics;
  }

  const redact = flag("redact");
  if (redact !== undefined) {
    config.ingest = { redact };
  }
  return { config, problems };
}
