/**
 * Finding the `prodlens serve` command to run.
 *
 * Kept free of the `vscode` module so the order of preference and the probing can be tested with real
 * subprocesses under Node's test runner. The order mirrors how explicit the user was: an explicit command,
 * then an explicit interpreter, then the interpreter the Python extension selected for the workspace, then
 * whatever `prodlens` is on PATH.
 */

import { execFile } from "node:child_process";

/** The `prodlens.server.*` settings as read from the configuration (possibly unset or empty). */
export interface ServerSettings {
  command?: string | string[] | null;
  python?: string | null;
}

/** One way to start the server, with where it came from so failures can name the setting to fix. */
export interface ServerCandidate {
  /** Human words for the origin, used in messages: "setting prodlens.server.command". */
  source: string;
  /** The program to spawn. */
  command: string;
  /** Arguments that precede the prodlens sub-command (`-m prodlens` for an interpreter). */
  prefixArgs: string[];
}

export interface ProbeResult {
  ok: boolean;
  /** First line of output on success (`prodlens 0.1.0`), or why it failed. */
  detail: string;
}

/** Runs `command args…` and reports whether it is a working prodlens. Injected so tests can count calls. */
export type Probe = (command: string, args: string[]) => Promise<ProbeResult>;

export interface Attempt {
  candidate: ServerCandidate;
  result: ProbeResult;
}

export interface Discovery {
  found?: ServerCandidate;
  version?: string;
  attempts: Attempt[];
}

/** The arguments that start the language server for a candidate (vscode-languageclient adds nothing). */
export function serveArgs(candidate: ServerCandidate): string[] {
  return [...candidate.prefixArgs, "serve"];
}

/** The arguments that ask a candidate for its version, used to check it works before starting it. */
export function versionArgs(candidate: ServerCandidate): string[] {
  return [...candidate.prefixArgs, "--version"];
}

/**
 * Split a command line written as one string, honouring single and double quotes and backslash escapes,
 * so `"C:/Program Files/prodlens" --verbose` and `/opt/my\ venv/bin/prodlens` both work.
 */
export function splitCommandLine(text: string): string[] {
  const words: string[] = [];
  let current = "";
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) {
        quote = null;
      } else if (ch === "\\" && quote === '"' && i + 1 < text.length && '"\\'.includes(text[i + 1])) {
        current += text[++i];
      } else {
        current += ch;
      }
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === "\\" && i + 1 < text.length) {
      current += text[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) {
        words.push(current);
        current = "";
        inWord = false;
      }
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote) {
    throw new Error(`unclosed ${quote} quote in command: ${text}`);
  }
  if (inWord) {
    words.push(current);
  }
  return words;
}

/** `~` and `${userHome}` to the home directory, `${workspaceFolder}` to the folder (when known). */
export function expandPath(value: string, context: { home?: string; workspaceFolder?: string }): string {
  let out = value;
  if (context.home) {
    if (out === "~" || out.startsWith("~/")) {
      out = context.home + out.slice(1);
    }
    out = out.split("${userHome}").join(context.home);
  }
  if (context.workspaceFolder) {
    out = out.split("${workspaceFolder}").join(context.workspaceFolder);
  }
  return out;
}

/**
 * Candidates in order of preference. Invalid settings (a command string with an unclosed quote, an array
 * holding non-strings) become problems rather than exceptions so the caller can report them with the rest.
 */
export function serverCandidates(
  settings: ServerSettings,
  pythonExtensionCommand: string[] | undefined,
  context: { home?: string; workspaceFolder?: string } = {},
): { candidates: ServerCandidate[]; problems: string[] } {
  const candidates: ServerCandidate[] = [];
  const problems: string[] = [];
  const expand = (v: string) => expandPath(v, context);

  const command = settings.command;
  if (typeof command === "string" && command.trim() !== "") {
    try {
      const words = splitCommandLine(command.trim()).map(expand);
      candidates.push({ source: "setting prodlens.server.command", command: words[0], prefixArgs: words.slice(1) });
    } catch (error) {
      problems.push(`prodlens.server.command: ${(error as Error).message}`);
    }
  } else if (Array.isArray(command) && command.length > 0) {
    if (command.every((w) => typeof w === "string") && command[0].trim() !== "") {
      const words = command.map(expand);
      candidates.push({ source: "setting prodlens.server.command", command: words[0], prefixArgs: words.slice(1) });
    } else {
      problems.push("prodlens.server.command: must be a list of strings whose first item is the program");
    }
  } else if (command !== undefined && command !== null && typeof command !== "string" && !Array.isArray(command)) {
    problems.push("prodlens.server.command: must be a string or a list of strings");
  }

  const python = settings.python;
  if (typeof python === "string" && python.trim() !== "") {
    candidates.push({
      source: "setting prodlens.server.python",
      command: expand(python.trim()),
      prefixArgs: ["-m", "prodlens"],
    });
  }

  if (pythonExtensionCommand && pythonExtensionCommand.length > 0 && pythonExtensionCommand[0]) {
    candidates.push({
      source: "the Python extension's selected interpreter",
      command: pythonExtensionCommand[0],
      prefixArgs: [...pythonExtensionCommand.slice(1), "-m", "prodlens"],
    });
  }

  candidates.push({ source: "`prodlens` on PATH", command: "prodlens", prefixArgs: [] });
  return { candidates, problems };
}

/** Probe candidates in order and stop at the first that answers `--version` like prodlens does. */
export async function findServer(candidates: ServerCandidate[], probe: Probe): Promise<Discovery> {
  const attempts: Attempt[] = [];
  for (const candidate of candidates) {
    const result = await probe(candidate.command, versionArgs(candidate));
    attempts.push({ candidate, result });
    if (result.ok) {
      return { found: candidate, version: result.detail, attempts };
    }
  }
  return { attempts };
}

/**
 * A probe that really runs the command. A working prodlens prints `prodlens X.Y.Z` and exits 0; anything
 * else (missing file, an interpreter without the module, a different program) is a failure whose detail
 * is the most useful line of what it said.
 */
export function processProbe(options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Probe {
  const timeout = options.timeoutMs ?? 20000;
  return (command, args) =>
    new Promise<ProbeResult>((resolve) => {
      execFile(
        command,
        args,
        { timeout, env: options.env ?? process.env, cwd: options.cwd, windowsHide: true, maxBuffer: 1 << 20 },
        (error, stdout, stderr) => {
          const out = `${stdout ?? ""}`.trim();
          const err = `${stderr ?? ""}`.trim();
          if (!error && /^prodlens\b/m.test(out)) {
            resolve({ ok: true, detail: out.split("\n").find((l) => /^prodlens\b/.test(l)) ?? out });
            return;
          }
          resolve({ ok: false, detail: describeFailure(error, out, err) });
        },
      );
    });
}

function describeFailure(error: (Error & { code?: unknown; killed?: boolean }) | null, out: string, err: string): string {
  if (error && error.code === "ENOENT") {
    return "not found";
  }
  if (error && error.code === "EACCES") {
    return "not executable";
  }
  if (error && error.killed) {
    return "did not answer in time";
  }
  const lines = `${err}\n${out}`.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  // Python puts the useful line last ("ModuleNotFoundError: No module named 'prodlens'").
  const last = lines.length > 0 ? lines[lines.length - 1] : "";
  if (!error) {
    return last ? `answered "${truncate(last)}", which is not prodlens` : "printed nothing, which is not prodlens";
  }
  const code = typeof error.code === "number" ? `exit code ${error.code}` : `${error.message}`;
  return last ? `${truncate(last)} (${code})` : code;
}

function truncate(text: string, max = 160): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The install command to suggest: into the Python extension's interpreter when known, else plain pip. */
export function installCommand(pythonExtensionCommand: string[] | undefined): string {
  if (pythonExtensionCommand && pythonExtensionCommand.length > 0) {
    const python = pythonExtensionCommand.map(quoteIfNeeded).join(" ");
    return `${python} -m pip install prodlens`;
  }
  return "pip install prodlens";
}

function quoteIfNeeded(word: string): string {
  return /[\s"'\\$]/.test(word) ? `"${word.replace(/(["\\$])/g, "\\$1")}"` : word;
}

/** The one notification shown when no candidate works: what to run, not a stack trace. */
export function missingServerMessage(discovery: Discovery, pythonExtensionCommand: string[] | undefined): string {
  const explicit = discovery.attempts.filter((a) => a.candidate.source.startsWith("setting "));
  const setting =
    explicit.length > 0
      ? ` (${explicit.map((a) => `${a.candidate.source.replace("setting ", "")}: ${a.result.detail}`).join("; ")})`
      : "";
  return (
    `prodlens: the language server is not installed${setting}. ` +
    `Install it with \`${installCommand(pythonExtensionCommand)}\` ` +
    "(or `pip install -e .` in a clone of the prodlens repository), " +
    "or point the setting prodlens.server.command at the prodlens program."
  );
}

/** Every attempt on its own line, for the output channel. */
export function describeAttempts(discovery: Discovery): string[] {
  return discovery.attempts.map(
    (a) =>
      `${a.result.ok ? "ok  " : "fail"} ${a.candidate.source}: ${[a.candidate.command, ...versionArgs(a.candidate)].join(" ")}` +
      ` -> ${a.result.detail}`,
  );
}
