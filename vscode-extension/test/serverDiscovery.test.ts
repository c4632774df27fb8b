/**
 * Server discovery with real subprocesses: fake `prodlens` programs are small shell scripts written to a
 * temp folder, so probing runs exactly the code path the extension runs (spawn, exit code, output).
 */

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";

import {
  Probe,
  describeAttempts,
  expandPath,
  findServer,
  installCommand,
  missingServerMessage,
  processProbe,
  serveArgs,
  serverCandidates,
  splitCommandLine,
  versionArgs,
} from "../src/serverDiscovery";

const dir = mkdtempSync(join(tmpdir(), "prodlens-discovery-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** Answers like the real CLI: `prodlens --version` and `python -m prodlens --version`. */
const goodProdlens = script("prodlens-good", 'if [ "$1" = "--version" ]; then echo "prodlens 0.1.0"; exit 0; fi; exit 3');
const goodPython = script(
  "python-with-prodlens",
  'if [ "$1" = "-m" ] && [ "$2" = "prodlens" ] && [ "$3" = "--version" ]; then echo "prodlens 0.1.0"; exit 0; fi; exit 3',
);
const pythonWithout = script(
  "python-without-prodlens",
  'echo "/usr/bin/python3: No module named prodlens" >&2; exit 1',
);
const otherProgram = script("not-prodlens", 'echo "something else 2.0"; exit 0');
const notExecutable = join(dir, "plain-file");
writeFileSync(notExecutable, "not a program");

describe("splitCommandLine", () => {
  test("splits on whitespace and honours quotes and escapes", () => {
    assert.deepEqual(splitCommandLine("prodlens"), ["prodlens"]);
    assert.deepEqual(splitCommandLine("  pipx   run prodlens "), ["pipx", "run", "prodlens"]);
    assert.deepEqual(splitCommandLine('"/opt/my venv/bin/prodlens" --x'), ["/opt/my venv/bin/prodlens", "--x"]);
    assert.deepEqual(splitCommandLine("'/a b/c' d"), ["/a b/c", "d"]);
    assert.deepEqual(splitCommandLine("/opt/my\\ venv/prodlens"), ["/opt/my venv/prodlens"]);
    assert.deepEqual(splitCommandLine('x "" y'), ["x", "", "y"]);
    assert.deepEqual(splitCommandLine('"say \\"hi\\""'), ['say "hi"']);
  });

  test("an unclosed quote is an error, not a guess", () => {
    assert.throws(() => splitCommandLine('"/opt/prodlens'), /unclosed " quote/);
  });
});

describe("expandPath", () => {
  test("expands the home directory and the workspace folder", () => {
    const ctx = { home: "/home/u", workspaceFolder: "/ws" };
    assert.equal(expandPath("~/venv/bin/python", ctx), "/home/u/venv/bin/python");
    assert.equal(expandPath("~", ctx), "/home/u");
    assert.equal(expandPath("${userHome}/x", ctx), "/home/u/x");
    assert.equal(expandPath("${workspaceFolder}/.venv/bin/python", ctx), "/ws/.venv/bin/python");
    assert.equal(expandPath("~other/x", ctx), "~other/x");
    assert.equal(expandPath("${workspaceFolder}/x", {}), "${workspaceFolder}/x");
  });
});

describe("serverCandidates", () => {
  test("order: command setting, python setting, Python extension, PATH", () => {
    const { candidates, problems } = serverCandidates(
      { command: ["/opt/prodlens", "--flag"], python: "/usr/bin/python3" },
      ["/venv/bin/python"],
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(
      candidates.map((c) => [c.source, c.command, serveArgs(c)]),
      [
        ["setting prodlens.server.command", "/opt/prodlens", ["--flag", "serve"]],
        ["setting prodlens.server.python", "/usr/bin/python3", ["-m", "prodlens", "serve"]],
        ["the Python extension's selected interpreter", "/venv/bin/python", ["-m", "prodlens", "serve"]],
        ["`prodlens` on PATH", "prodlens", ["serve"]],
      ],
    );
  });

  test("empty settings leave PATH alone; a string command is split", () => {
    assert.deepEqual(
      serverCandidates({ command: [], python: "" }, undefined).candidates.map((c) => c.command),
      ["prodlens"],
    );
    const { candidates } = serverCandidates({ command: "pipx run prodlens" }, undefined);
    assert.deepEqual([candidates[0].command, ...versionArgs(candidates[0])], ["pipx", "run", "prodlens", "--version"]);
  });

  test("a multi-word interpreter from the Python extension keeps its words before -m", () => {
    const { candidates } = serverCandidates({}, ["conda", "run", "-n", "env", "python"]);
    assert.equal(candidates[0].command, "conda");
    assert.deepEqual(serveArgs(candidates[0]), ["run", "-n", "env", "python", "-m", "prodlens", "serve"]);
  });

  test("~ in settings is the home directory", () => {
    const { candidates } = serverCandidates({ python: "~/venv/bin/python" }, undefined, { home: "/home/u" });
    assert.equal(candidates[0].command, "/home/u/venv/bin/python");
  });

  test("bad settings become problems that name the setting", () => {
    const unclosed = serverCandidates({ command: '"/opt/prodlens' }, undefined);
    assert.match(unclosed.problems[0], /^prodlens\.server\.command: unclosed/);
    assert.deepEqual(unclosed.candidates.map((c) => c.command), ["prodlens"]);
    const wrongItems = serverCandidates({ command: [1, 2] as unknown as string[] }, undefined);
    assert.match(wrongItems.problems[0], /prodlens\.server\.command: must be a list of strings/);
    const wrongType = serverCandidates({ command: 5 as unknown as string }, undefined);
    assert.match(wrongType.problems[0], /must be a string or a list of strings/);
  });
});

describe("processProbe (real subprocesses)", () => {
  const probe = processProbe({ timeoutMs: 10000 });

  test("a working prodlens answers its version", async () => {
    assert.deepEqual(await probe(goodProdlens, ["--version"]), { ok: true, detail: "prodlens 0.1.0" });
    assert.deepEqual(await probe(goodPython, ["-m", "prodlens", "--version"]), { ok: true, detail: "prodlens 0.1.0" });
  });

  test("failures say why in words", async () => {
    const missing = await probe(join(dir, "does-not-exist"), ["--version"]);
    assert.deepEqual(missing, { ok: false, detail: "not found" });
    const noModule = await probe(pythonWithout, ["-m", "prodlens", "--version"]);
    assert.equal(noModule.ok, false);
    assert.equal(noModule.detail, "/usr/bin/python3: No module named prodlens (exit code 1)");
    const other = await probe(otherProgram, ["--version"]);
    assert.deepEqual(other, { ok: false, detail: 'answered "something else 2.0", which is not prodlens' });
    const plain = await probe(notExecutable, ["--version"]);
    assert.deepEqual(plain, { ok: false, detail: "not executable" });
  });

  test("a program that hangs is given up on", async () => {
    const hanging = script("hangs", "exec sleep 30");
    const result = await processProbe({ timeoutMs: 300 })(hanging, ["--version"]);
    assert.deepEqual(result, { ok: false, detail: "did not answer in time" });
  });
});

describe("findServer", () => {
  test("falls through broken settings to the first working candidate and records every attempt", async () => {
    const { candidates } = serverCandidates(
      { command: join(dir, "missing-prodlens"), python: pythonWithout },
      [goodPython],
    );
    const discovery = await findServer(candidates, processProbe());
    assert.equal(discovery.found?.source, "the Python extension's selected interpreter");
    assert.equal(discovery.version, "prodlens 0.1.0");
    assert.deepEqual(
      discovery.attempts.map((a) => a.result.ok),
      [false, false, true],
    );
    const lines = describeAttempts(discovery);
    assert.match(lines[0], /^fail setting prodlens\.server\.command: .*missing-prodlens --version -> not found$/);
    assert.match(lines[2], /^ok {3}the Python extension's selected interpreter: .* -m prodlens --version -> prodlens 0\.1\.0$/);
  });

  test("stops probing at the first working candidate", async () => {
    const calls: string[] = [];
    const probe: Probe = async (command) => {
      calls.push(command);
      return { ok: true, detail: "prodlens 9" };
    };
    await findServer(serverCandidates({ command: goodProdlens, python: goodPython }, undefined).candidates, probe);
    assert.deepEqual(calls, [goodProdlens]);
  });

  test("the PATH candidate finds a prodlens on PATH", async () => {
    const bin = mkdtempSync(join(dir, "bin-"));
    writeFileSync(join(bin, "prodlens"), '#!/bin/sh\necho "prodlens 1.2.3"\n');
    chmodSync(join(bin, "prodlens"), 0o755);
    const probe = processProbe({ env: { ...process.env, PATH: `${bin}:/usr/bin:/bin` } });
    const discovery = await findServer(serverCandidates({}, undefined).candidates, probe);
    assert.equal(discovery.found?.command, "prodlens");
    assert.equal(discovery.version, "prodlens 1.2.3");
  });
});

describe("the missing-server message", () => {
  test("gives the install command and names a broken setting, without a stack trace", async () => {
    const { candidates } = serverCandidates({ python: pythonWithout }, undefined);
    const probe = processProbe({ env: { ...process.env, PATH: dir } }); // no prodlens on this PATH
    const discovery = await findServer(candidates, probe);
    assert.equal(discovery.found, undefined);
    const message = missingServerMessage(discovery, undefined);
    assert.match(message, /^prodlens: the language server is not installed/);
    assert.match(message, /`pip install prodlens`/);
    assert.match(message, /prodlens\.server\.python: .*No module named prodlens/);
    assert.doesNotMatch(message, /\n|at .*\.js:\d+/);
  });

  test("suggests installing into the Python extension's interpreter when there is one", () => {
    assert.equal(installCommand(["/home/u/.venv/bin/python"]), "/home/u/.venv/bin/python -m pip install prodlens");
    assert.equal(installCommand(["/opt/my env/python"]), '"/opt/my env/python" -m pip install prodlens');
    assert.equal(installCommand(undefined), "pip install prodlens");
  });
});
