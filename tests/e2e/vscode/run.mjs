#!/usr/bin/env node
/**
 * End-to-end check of the prodlens extension in real VS Code: code-server (VS Code in the browser, from npm)
 * with the built .vsix installed, driven by Debian's headless Chromium through playwright-core.
 *
 * Usage: node run.mjs SPEC.json
 *
 * The spec says what to open and what the editor must show (the pytest wrapper computes the expectations
 * from the store with the prodlens CLI, so this script knows nothing about prodlens's numbers):
 *   {
 *     "workspace": "/abs/folder",               "vsix": "/abs/prodlens.vsix",
 *     "artifacts": "/abs/folder for logs and the failure screenshot",
 *     "screenshot": "/abs/path.png (optional: the lenses, saved on success)",
 *     "file": "path/inside/workspace.java",
 *     "lenses": [{"line": 10, "text": "40 hits · 24h ▲33%"}],          // 1-based lines
 *     "hover": {"line": 10, "expect": ["Charging customer c0"]},
 *     "find": {"logLine": "...", "otherFile": "path to open first (optional)", "path": "...", "line": 14},
 *     "settings": {"prodlens.window": "24h"},                        // optional user settings
 *     "timeoutSeconds": 120                                          // per wait (optional)
 *   }
 *
 * Prints one line `RESULT {json}` with what it saw (lens texts by line, hover text, where Find landed, the
 * status bar item) and exits 0 when every expectation held, 1 otherwise (with a screenshot of the moment
 * it failed). Every process it starts is in one process group that is killed at the end, also on failure.
 */

import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const CODE_SERVER = join(here, "node_modules", "code-server", "out", "node", "entry.js");
const CHROMIUM = process.env.PRODLENS_CHROMIUM || "/usr/bin/chromium";

class Failure extends Error {}

const spec = JSON.parse(readFileSync(process.argv[2], "utf8"));
const waitMs = (spec.timeoutSeconds ?? 120) * 1000;
const artifacts = spec.artifacts ?? mkdtempSync(join(tmpdir(), "prodlens-vscode-artifacts-"));
mkdirSync(artifacts, { recursive: true });
const observed = { lenses: {}, hover: null, find: null, statusBar: null, clipboardPrefill: null, timings: {} };
const started = Date.now();
const children = [];
let temp;
let context;
let settingsFile;

function log(message) {
  process.stderr.write(`[vscode-e2e ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}\n`);
}

function mark(name) {
  observed.timings[name] = Number(((Date.now() - started) / 1000).toFixed(1));
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** code-server and everything it starts (extension host, prodlens serve) share one process group. */
function startGroup(args, env, logFile) {
  const child = spawn(process.execPath, [CODE_SERVER, ...args], { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  // For whoever runs this script: process groups to kill should this script itself be killed.
  appendFileSync(join(artifacts, "process-groups"), `${child.pid}\n`);
  const chunks = [];
  const keep = (data) => {
    chunks.push(data);
    writeFileSync(logFile, Buffer.concat(chunks));
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  return child;
}

function killGroup(child) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const done = () => resolve();
    child.once("exit", done);
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      return resolve();
    }
    setTimeout(() => {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
      setTimeout(done, 500);
    }, 5000).unref();
  });
}

async function run(command, args, env, what) {
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const code = await new Promise((resolve) => child.on("exit", resolve));
  if (code !== 0) {
    throw new Failure(`${what} failed (exit ${code}):\n${output}`);
  }
  return output;
}

async function waitFor(what, probe, timeout = waitMs, interval = 250) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (last) {
        return last;
      }
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
  throw new Failure(`timed out after ${timeout / 1000}s waiting for ${what}${last instanceof Error ? ` (last error: ${last.message})` : ""}`);
}

async function httpOk(url) {
  try {
    const response = await fetch(url);
    return response.status < 500;
  } catch {
    return false;
  }
}

// ------------------------------------------------------------------------------------------------- the editor

/** Run a palette command by its title, the way a user does (F1, type, Enter). */
async function paletteCommand(page, title) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input.input");
  await input.waitFor({ state: "visible", timeout: 15000 });
  await input.fill(`>${title}`);
  const row = page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first();
  await row.waitFor({ state: "visible", timeout: 15000 });
  await page.keyboard.press("Enter");
}

async function openFile(page, rel) {
  const name = basename(rel);
  const active = async () => (await page.title()).startsWith(`${name} `);
  for (let attempt = 1; attempt <= 3 && !(await active()); attempt++) {
    const tab = page.locator(".tabs-container .tab", { hasText: name }).first();
    if (await tab.isVisible()) {
      await tab.click();
    } else {
      await page.keyboard.press("Control+P");
      const input = page.locator(".quick-input-widget input.input");
      await input.waitFor({ state: "visible", timeout: 15000 });
      await input.fill(rel);
      // Enter only once the list shows this file first, or it opens whatever was first a moment ago.
      await waitFor(`${rel} in Quick Open`, async () => {
        const first = page.locator(".quick-input-list .monaco-list-row").first();
        return (await first.getAttribute("aria-label", { timeout: 1000 }))?.includes(name) ?? false;
      }, 30000);
      await page.keyboard.press("Enter");
    }
    await waitFor(`${rel} to be the active editor`, active, 10000).catch(() => log(`${rel} not active yet (attempt ${attempt})`));
  }
  if (!(await active())) {
    throw new Failure(`could not open ${rel}: the active editor is "${await page.title()}"`);
  }
  await page.locator(".editor-instance .monaco-editor .view-lines").first().waitFor({ state: "visible", timeout: 30000 });
}

/** Put the cursor on the first non-blank character of a 1-based line (Ctrl+G, then Home). */
async function goToLine(page, line) {
  await page.keyboard.press("Control+G");
  const input = page.locator(".quick-input-widget input.input");
  await input.waitFor({ state: "visible", timeout: 15000 });
  await input.fill(`:${line}`);
  await page.keyboard.press("Enter");
  await page.keyboard.press("End");
  await page.keyboard.press("Home");
}

/** The cursor's 1-based line from the status bar ("Ln 14, Col 9"). */
async function cursorLine(page) {
  const text = await page.locator("#status\\.editor\\.selection").first().innerText({ timeout: 5000 });
  const match = /Ln (\d+)/.exec(text);
  return match ? Number(match[1]) : null;
}

/**
 * Every visible code lens with the 1-based line it stands above: a lens is drawn in the space just above
 * its line, so its line is the first line number whose top is at or below the lens's bottom.
 */
async function visibleLenses(page) {
  return page.evaluate(() => {
    const editor = document.querySelector(".editor-instance .monaco-editor") || document.querySelector(".monaco-editor");
    if (!editor) {
      return [];
    }
    const numbers = [...editor.querySelectorAll(".margin-view-overlays .line-numbers")]
      .map((el) => ({ line: Number(el.textContent.trim()), top: el.getBoundingClientRect().top }))
      .filter((n) => Number.isFinite(n.line) && n.line > 0)
      .sort((a, b) => a.top - b.top);
    return [...editor.querySelectorAll(".codelens-decoration")].map((el) => {
      const box = el.getBoundingClientRect();
      const below = numbers.find((n) => n.top >= box.bottom - 2);
      // A lens whose own line is not rendered (scrolled away) is not attributed to the next rendered one.
      const adjacent = below && below.top - box.bottom < box.height + 4;
      return { line: adjacent ? below.line : null, text: el.textContent.trim() };
    }).filter((lens) => lens.line !== null);
  });
}

/** The extension's "prodlens" output channel, from the log file VS Code keeps for it. */
function outputChannelText() {
  const files = [];
  const walk = (dir) => {
    for (const name of existsSync(dir) ? readdirSync(dir) : []) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        walk(path);
      } else if (/^\d+-prodlens\.log$/.test(name)) {
        files.push(path);
      }
    }
  };
  walk(join(temp, "user-data", "logs"));
  return files.map((f) => readFileSync(f, "utf8")).join("\n");
}

async function screenshot(page, path) {
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path });
  log(`screenshot: ${path}`);
}

function readLogs(root) {
  const found = [];
  const walk = (dir) => {
    for (const name of existsSync(dir) ? readdirSync(dir) : []) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        walk(path);
      } else if (/prodlens|exthost|remoteexthost/i.test(name) && name.endsWith(".log")) {
        found.push(path);
      }
    }
  };
  walk(root);
  return found.map((path) => `----- ${path}\n${readFileSync(path, "utf8").slice(-6000)}`).join("\n");
}

// ---------------------------------------------------------------------------------------------------- main

async function main() {
  temp = mkdtempSync(join(tmpdir(), "prodlens-vscode-"));
  const dirs = Object.fromEntries(
    ["user-data", "extensions", "xdg-config", "xdg-data", "xdg-cache", "xdg-state", "chromium"].map((d) => {
      const path = join(temp, d);
      mkdirSync(path);
      return [d, path];
    }),
  );
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: dirs["xdg-config"],
    XDG_DATA_HOME: dirs["xdg-data"],
    XDG_CACHE_HOME: dirs["xdg-cache"],
    XDG_STATE_HOME: dirs["xdg-state"],
  };
  delete env.VSCODE_IPC_HOOK_CLI;
  // VS Code's server otherwise replaces this environment with a login shell's (`bash -ilc env`), so the
  // extension host would see the user's PATH instead of the one this run sets.
  env.VSCODE_CLI = "1";
  Object.assign(env, spec.env ?? {});
  const common = ["--user-data-dir", dirs["user-data"], "--extensions-dir", dirs.extensions];

  log(`installing ${spec.vsix}`);
  const installed = await run(process.execPath, [CODE_SERVER, ...common, "--install-extension", spec.vsix], env, "installing the .vsix");
  log(installed.trim().split("\n").pop());
  mark("installed");

  mkdirSync(join(dirs["user-data"], "User"), { recursive: true });
  settingsFile = join(dirs["user-data"], "User", "settings.json");
  writeFileSync(
    settingsFile,
    JSON.stringify(
      {
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": false,
        "workbench.enableExperiments": false,
        "workbench.welcomePage.walkthroughs.openOnInstall": false,
        "security.workspace.trust.enabled": false,
        "telemetry.telemetryLevel": "off",
        "extensions.autoCheckUpdates": false,
        "extensions.ignoreRecommendations": true,
        "update.mode": "none",
        "editor.codeLens": true,
        "editor.minimap.enabled": false,
        "editor.stickyScroll.enabled": false,
        "editor.hover.delay": 200,
        "chat.commandCenter.enabled": false,
        "window.commandCenter": false,
        "git.enabled": false,
        ...(spec.settings ?? {}),
      },
      null,
      2,
    ),
  );

  const port = await freePort();
  const config = join(temp, "code-server.yaml");
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const serverLog = join(artifacts, "code-server.log");
  log(`starting code-server on 127.0.0.1:${port}`);
  const server = startGroup(
    ["--config", config, ...common, "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust",
      "--disable-getting-started-override", spec.workspace],
    env,
    serverLog,
  );
  const exited = new Promise((resolve) => server.on("exit", (code) => resolve(code)));
  await Promise.race([
    waitFor("code-server to answer", () => httpOk(`http://127.0.0.1:${port}/healthz`), 60000),
    exited.then((code) => {
      throw new Failure(`code-server exited (${code}) before it answered; see ${serverLog}`);
    }),
  ]);
  mark("code-server");

  const { chromium } = require("playwright-core");
  context = await chromium.launchPersistentContext(dirs.chromium, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    permissions: ["clipboard-read", "clipboard-write"],
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (error) => log(`page error: ${error.message}`));
  try {
    await drive(page, port);
  } catch (error) {
    const shot = join(artifacts, "failure.png");
    try {
      await screenshot(page, shot);
    } catch (shotError) {
      log(`no failure screenshot: ${shotError.message}`);
    }
    observed.failureScreenshot = shot;
    observed.notifications = await page
      .locator(".notifications-toasts .notification-list-item-message")
      .allInnerTexts()
      .catch(() => []);
    throw error;
  }
}

async function drive(page, port) {
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(spec.workspace)}`;
  log(`opening ${url}`);
  await page.goto(url, { waitUntil: "domcontentloaded", timeout: 60000 });
  await page.locator(".monaco-workbench").waitFor({ state: "visible", timeout: waitMs });
  // The explorer shows the folder once the workbench has loaded it.
  await page.locator(".explorer-folders-view .monaco-list-row").first().waitFor({ state: "visible", timeout: waitMs });
  mark("workbench");

  log(`opening ${spec.file}`);
  await openFile(page, spec.file);

  if (spec.missingServer) {
    await checkMissingServer(page);
    return;
  }

  // ---- lenses: every expected text on its line
  const wanted = spec.lenses ?? [];
  log(`waiting for ${wanted.length} lenses`);
  let seen = [];
  const seenLens = (w) => seen.some((s) => s.line === w.line && s.text.includes(w.text));
  try {
    await waitFor(
      "the expected code lenses",
      async () => {
        const missing = wanted.filter((w) => !seenLens(w));
        // Monaco renders only the visible lines: bring the first missing statement into view.
        if (missing.length > 0 && seen.length > 0 && !seen.some((s) => s.line === missing[0].line)) {
          await goToLine(page, missing[0].line);
          await page.waitForTimeout(300); // let the scroll settle before reading positions
        }
        for (const lens of await visibleLenses(page)) {
          seen = seen.filter((s) => s.line !== lens.line).concat([lens]);
        }
        return wanted.every(seenLens);
      },
      waitMs,
      500,
    );
  } finally {
    for (const s of seen) {
      observed.lenses[s.line] = s.text;
    }
  }
  mark("lenses");
  log(`lenses: ${JSON.stringify(observed.lenses)}`);

  // ---- status bar item
  const status = prodlensStatusItem(page);
  observed.statusBar = await waitFor("the prodlens status bar item", async () => {
    const text = (await status.innerText({ timeout: 1000 })).trim();
    return text !== "" ? text : null;
  }, 30000);
  log(`status bar: ${observed.statusBar}`);

  if (spec.screenshot) {
    await goToLine(page, wanted.length > 0 ? Math.min(...wanted.map((w) => w.line)) : 1);
    await page.mouse.move(5, 400);
    await screenshot(page, spec.screenshot);
  }

  // ---- hover: the recent occurrences
  if (spec.hover) {
    log(`hovering line ${spec.hover.line}`);
    await goToLine(page, spec.hover.line);
    const hover = page.locator(".monaco-hover-content").first();
    observed.hover = await waitFor(
      "the hover with recent occurrences",
      async () => {
        if (!(await hover.isVisible())) {
          await page.keyboard.press("Control+K");
          await page.keyboard.press("Control+I");
          await page.waitForTimeout(1000);
        }
        const text = (await hover.innerText({ timeout: 1000 })).trim();
        return spec.hover.expect.every((e) => text.includes(e)) ? text : (observed.hover = text, null);
      },
      waitMs,
      1000,
    );
    mark("hover");
    if (spec.hoverScreenshot) {
      await screenshot(page, spec.hoverScreenshot);
    }
    await page.keyboard.press("Escape");
  }

  // ---- Find Log Statement for a Log Line: from another place, through the palette, prefilled from the clipboard
  if (spec.find) {
    if (spec.find.otherFile) {
      await openFile(page, spec.find.otherFile);
    }
    await goToLine(page, 1);
    let prefilled = false;
    try {
      await page.evaluate((text) => navigator.clipboard.writeText(text), spec.find.logLine);
      prefilled = true;
    } catch (error) {
      log(`clipboard not writable in this browser (${error.message}); typing the line instead`);
    }
    log("running prodlens: Find Log Statement for a Log Line");
    await paletteCommand(page, "prodlens: Find Log Statement for a Log Line");
    const box = page.locator(".quick-input-widget input.input");
    await waitFor(
      "the log line input box",
      async () => (await page.locator(".quick-input-widget .quick-input-title").innerText({ timeout: 1000 })).includes("Find Log Statement"),
      30000,
    );
    observed.clipboardPrefill = prefilled ? await box.inputValue() : null;
    await box.fill(spec.find.logLine);
    await page.keyboard.press("Enter");
    const target = basename(spec.find.path);
    observed.find = await waitFor(
      `the editor to land on ${spec.find.path}:${spec.find.line}`,
      async () => {
        const title = await page.title();
        const line = await cursorLine(page);
        observed.find = { title, line };
        return title.includes(target) && line === spec.find.line ? observed.find : null;
      },
      waitMs,
      500,
    );
    mark("find");
  }

  // ---- workspace symbols: statements by their message text, with counts
  if (spec.symbols) {
    log(`searching workspace symbols for "${spec.symbols.query}"`);
    await page.keyboard.press("Control+T");
    const input = page.locator(".quick-input-widget input.input");
    await input.waitFor({ state: "visible", timeout: 15000 });
    await input.fill(`#${spec.symbols.query}`);
    observed.symbols = await waitFor(`a workspace symbol with ${JSON.stringify(spec.symbols.expect)}`, async () => {
      const rows = await page.locator(".quick-input-list .monaco-list-row").allInnerTexts();
      observed.symbols = rows;
      return rows.some((r) => spec.symbols.expect.every((e) => r.includes(e))) ? rows : null;
    }, waitMs, 500);
    await page.keyboard.press("Escape");
    mark("symbols");
  }

  // ---- Open in Dashboard from the palette, for the statement under the cursor
  if (spec.dashboard) {
    await openFile(page, spec.file);
    await goToLine(page, spec.dashboard.line);
    log(`running prodlens: Open in Dashboard on line ${spec.dashboard.line}`);
    const opened = [];
    const navigations = [];
    const onPage = (p) => {
      opened.push(p);
      navigations.push(p.url());
      p.on("framenavigated", (frame) => frame === p.mainFrame() && navigations.push(frame.url()));
    };
    context.on("page", onPage);
    await paletteCommand(page, "prodlens: Open in Dashboard");
    // VS Code may ask before opening an external site (the dialog names the URL), then opens a new tab;
    // code-server rewrites links to 127.0.0.1 ports into its own port proxy.
    const dialog = page.locator(".monaco-dialog-box");
    observed.dashboard = await waitFor("the dashboard link (dialog or new tab)", async () => {
      if (await dialog.isVisible()) {
        const text = await dialog.innerText();
        observed.dashboard = { dialog: text };
        await dialog.locator(".monaco-button", { hasText: /^Open$/ }).first().click();
      }
      const tab = opened.find((p) => p.url() && p.url() !== "about:blank");
      return tab ? { ...(observed.dashboard ?? {}), url: tab.url() } : null;
    }, waitMs, 500);
    context.off("page", onPage);
    observed.dashboard.navigations = navigations;
    // What the server answered, as the extension logged it in its output channel.
    observed.dashboard.logged = await waitFor("the dashboard link in the prodlens output channel", () => {
      const links = [...outputChannelText().matchAll(/^Dashboard link: (\S+)$/gm)].map((m) => m[1]);
      return links.length > 0 ? links[links.length - 1] : null;
    }, 30000);
    log(`dashboard: ${JSON.stringify(observed.dashboard)}`);
    for (const p of opened) {
      await p.close().catch(() => undefined);
    }
    mark("dashboard");
  }

  // ---- the status bar item switches the window (server command prodlens.setWindow)
  if (spec.windowSwitch) {
    await openFile(page, spec.file);
    log(`switching the window to ${spec.windowSwitch.window} from the status bar`);
    await prodlensStatusItem(page).click();
    const input = page.locator(".quick-input-widget input.input");
    await input.waitFor({ state: "visible", timeout: 15000 });
    await input.fill(spec.windowSwitch.window);
    await page.locator(".quick-input-list .monaco-list-row", { hasText: spec.windowSwitch.window }).first().waitFor({ timeout: 15000 });
    await page.keyboard.press("Enter");
    observed.windowSwitch = await expectLensesAndStatus(page, spec.windowSwitch, "after switching the window");
    mark("windowSwitch");
  }

  // ---- a settings change reaches the running server (workspace/didChangeConfiguration), no restart
  if (spec.settingsChange) {
    log(`changing settings: ${JSON.stringify(spec.settingsChange.settings)}`);
    // As a user does it: the settings JSON editor, new content pasted, saved.
    const current = JSON.parse(readFileSync(settingsFile, "utf8"));
    const wanted = JSON.stringify({ ...current, ...spec.settingsChange.settings }, null, 2);
    await paletteCommand(page, "Preferences: Open User Settings (JSON)");
    await waitFor("the settings.json editor", async () => (await page.title()).includes("settings.json"), 30000);
    await page.evaluate((text) => navigator.clipboard.writeText(text), wanted);
    await page.locator(".editor-instance .monaco-editor .view-lines").first().click();
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Control+V");
    await page.keyboard.press("Control+S");
    await waitFor("settings.json to be saved", () => {
      const saved = JSON.parse(readFileSync(settingsFile, "utf8"));
      return Object.entries(spec.settingsChange.settings).every(([k, v]) => JSON.stringify(saved[k]) === JSON.stringify(v));
    }, 30000);
    await openFile(page, spec.file);
    observed.settingsChange = await expectLensesAndStatus(page, spec.settingsChange, "after changing the settings");
    mark("settingsChange");
  }
}

/**
 * The extension's own status bar item ("prodlens 24h"). While the server indexes, VS Code shows its work-done
 * progress as another item, "prodlens: indexing: 1/8 files", which may come first: the colon tells them apart.
 */
function prodlensStatusItem(page) {
  return page.locator(".statusbar-item", { hasText: /prodlens(?!:)/ }).first();
}

/** Wait until the given lenses and the status bar text show; return what was seen. */
async function expectLensesAndStatus(page, expected, when) {
  const seen = { lenses: {}, statusBar: null };
  await waitFor(`the lenses ${when} (${JSON.stringify(expected.lenses)}) and status "${expected.status}"`, async () => {
    for (const lens of await visibleLenses(page)) {
      seen.lenses[lens.line] = lens.text;
    }
    seen.statusBar = (await prodlensStatusItem(page).innerText({ timeout: 1000 })).trim();
    const lensesOk = expected.lenses.every((w) => (seen.lenses[w.line] ?? "").includes(w.text));
    return lensesOk && seen.statusBar.includes(expected.status);
  }, waitMs, 500).catch((error) => {
    error.message += ` — seen ${JSON.stringify(seen)}`;
    throw error;
  });
  log(`${when}: ${JSON.stringify(seen)}`);
  return seen;
}

/** Without a server: one notification with the install command, a docs button, and no lenses. */
async function checkMissingServer(page) {
  const toast = page.locator(".notifications-toasts .notification-toast", { hasText: "prodlens" }).first();
  await toast.waitFor({ state: "visible", timeout: waitMs });
  const message = (await toast.locator(".notification-list-item-message").innerText()).trim();
  const buttons = await toast.locator(".monaco-button").allInnerTexts();
  const toasts = await page.locator(".notifications-toasts .notification-toast").allInnerTexts();
  observed.missingServer = { message, buttons: buttons.map((b) => b.trim()), toasts: toasts.length };
  observed.statusBar = (await prodlensStatusItem(page).innerText({ timeout: 5000 })).trim();
  log(`missing server: ${JSON.stringify(observed.missingServer)}`);
  for (const text of spec.missingServer.expect) {
    if (!message.includes(text)) {
      throw new Failure(`the missing-server notification lacks "${text}": ${message}`);
    }
  }
  if (spec.screenshot) {
    await screenshot(page, spec.screenshot);
  }
  await toast.locator(".monaco-button", { hasText: "Open Docs" }).click();
  observed.missingServer.docsTab = await waitFor("the docs to open", async () => {
    const tabs = await page.locator(".tabs-container .tab").allInnerTexts();
    return tabs.find((t) => /readme/i.test(t)) ?? null;
  }, 30000);
  observed.lenses = Object.fromEntries((await visibleLenses(page)).map((l) => [l.line, l.text]));
}

async function cleanup() {
  if (context) {
    await context.close().catch(() => undefined);
  }
  await Promise.all(children.map(killGroup));
  if (temp && !process.env.PRODLENS_E2E_KEEP) {
    rmSync(temp, { recursive: true, force: true });
  }
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    cleanup().finally(() => process.exit(130));
  });
}

let exitCode = 0;
try {
  await main();
  log("all expectations held");
} catch (error) {
  exitCode = 1;
  observed.error = error instanceof Failure ? error.message : `${error.stack ?? error}`;
  log(`FAILED: ${observed.error}`);
  if (temp) {
    const logs = readLogs(join(temp, "user-data", "logs"));
    if (logs) {
      writeFileSync(join(artifacts, "vscode-logs.txt"), logs);
      log(`VS Code logs: ${join(artifacts, "vscode-logs.txt")}`);
    }
  }
} finally {
  await cleanup();
}
process.stdout.write(`RESULT ${JSON.stringify(observed)}\n`);
process.exit(exitCode);
