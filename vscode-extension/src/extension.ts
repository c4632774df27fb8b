/**
 * The VS Code side of prodlens: find and start `prodlens serve`, forward settings, show the store's state.
 *
 * Everything an editor can get over LSP (lenses, hovers, links, diagnostics, workspace symbols and the
 * server's commands) comes from the server; this file only adds what is specific to VS Code: the palette
 * entries with their input boxes and pickers, the status bar item, and a clear message when the server is
 * missing. Decisions that can be tested without VS Code live in the modules it imports.
 */

import * as os from "node:os";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  Middleware,
  ServerOptions,
  State,
} from "vscode-languageclient/node";

import { logLineFromClipboard } from "./logLine";
import { ExplicitSettings, FORWARDED_SETTINGS, ForwardedSetting, ServerConfig, toServerConfig } from "./serverConfig";
import {
  Discovery,
  describeAttempts,
  findServer,
  missingServerMessage,
  processProbe,
  serveArgs,
  serverCandidates,
} from "./serverDiscovery";
import { STATUS_NOTIFICATION, ServerStatus, WINDOW_CHOICES, parseStatus, statusView } from "./status";

/** Languages prodlens indexes, as VS Code names them (keep in step with `activationEvents`). */
export const LANGUAGES = ["java", "python", "javascript", "javascriptreact", "typescript", "typescriptreact", "go"];

/** Commands the server implements; VS Code commands of the same id are registered by the client. */
const SERVER_COMMANDS = ["prodlens.openDashboard", "prodlens.findStatement", "prodlens.setWindow", "prodlens.refresh"];

let controller: Controller | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  controller = new Controller(context);
  context.subscriptions.push(controller);
  await controller.start();
}

export async function deactivate(): Promise<void> {
  await controller?.stop();
  controller = undefined;
}

class Controller implements vscode.Disposable {
  private readonly output: vscode.OutputChannel;
  private readonly statusItem: vscode.StatusBarItem;
  private client: LanguageClient | undefined;
  private fallbacks: vscode.Disposable[] = [];
  private serverStatus: ServerStatus | undefined;
  /** The window chosen with Set Time Window; it lasts until the `prodlens.window` setting changes. */
  private sessionWindow: string | undefined;
  private clientState: "starting" | "running" | "stopped" = "stopped";
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly context: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel("prodlens");
    this.statusItem = vscode.window.createStatusBarItem("prodlens.status", vscode.StatusBarAlignment.Right, 100);
    this.statusItem.name = "prodlens";
    this.statusItem.command = "prodlens.setWindow";
    this.disposables.push(
      this.output,
      this.statusItem,
      vscode.commands.registerCommand("prodlens.showServerOutput", () => this.output.show(true)),
      vscode.commands.registerCommand("prodlens.restartServer", () => this.restart()),
      vscode.workspace.onDidChangeConfiguration((event) => this.configurationChanged(event)),
    );
    this.renderStatus();
    this.statusItem.show();
  }

  dispose(): void {
    void this.stop();
    this.disposables.forEach((d) => d.dispose());
  }

  // ------------------------------------------------------------------------------------------- lifecycle

  async start(): Promise<void> {
    this.clientState = "starting";
    this.renderStatus();
    const pythonCommand = await pythonExtensionCommand(this.output);
    const settings = vscode.workspace.getConfiguration("prodlens", firstFolder());
    const { candidates, problems } = serverCandidates(
      { command: settings.get("server.command"), python: settings.get("server.python") },
      pythonCommand,
      { home: os.homedir(), workspaceFolder: firstFolder()?.fsPath },
    );
    problems.forEach((p) => this.output.appendLine(`setting problem: ${p}`));
    const discovery = await findServer(candidates, processProbe({ cwd: firstFolder()?.fsPath }));
    this.output.appendLine("Looking for the prodlens server:");
    describeAttempts(discovery).forEach((line) => this.output.appendLine(`  ${line}`));
    if (!discovery.found) {
      this.serverMissing(discovery, pythonCommand);
      return;
    }
    const explicitFailures = discovery.attempts.filter((a) => !a.result.ok && a.candidate.source.startsWith("setting "));
    if (explicitFailures.length > 0) {
      void vscode.window.showWarningMessage(
        `prodlens: ${explicitFailures.map((a) => `${a.candidate.source.replace("setting ", "")} does not work (${a.result.detail})`).join("; ")}; using ${discovery.found.source} instead.`,
      );
    }
    await this.startClient(discovery);
  }

  private async startClient(discovery: Discovery): Promise<void> {
    const found = discovery.found!;
    this.output.appendLine(`Starting ${found.command} ${serveArgs(found).join(" ")} (${discovery.version})`);
    const serverOptions: ServerOptions = {
      command: found.command,
      args: serveArgs(found),
      options: { cwd: firstFolder()?.fsPath, env: process.env },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: LANGUAGES.map((language) => ({ scheme: "file", language })),
      outputChannel: this.output,
      initializationOptions: this.serverConfig(),
      middleware: this.middleware(),
    };
    const client = new LanguageClient("prodlens", "prodlens", serverOptions, clientOptions);
    client.onDidChangeState((event) => {
      this.clientState = event.newState === State.Running ? "running" : event.newState === State.Starting ? "starting" : "stopped";
      this.renderStatus();
    });
    this.disposeFallbacks();
    this.client = client;
    try {
      await client.start();
    } catch (error) {
      this.client = undefined;
      this.clientState = "stopped";
      this.renderStatus();
      this.output.appendLine(`The server did not start: ${(error as Error).message ?? error}`);
      this.registerFallbacks(`the server did not start (${(error as Error).message ?? error})`);
      const choice = await vscode.window.showErrorMessage(
        "prodlens: the language server did not start. The output channel has its messages.",
        "Show Output",
      );
      if (choice === "Show Output") {
        this.output.show(true);
      }
      return;
    }
    client.onNotification(STATUS_NOTIFICATION, (params: unknown) => {
      this.serverStatus = parseStatus(params);
      this.renderStatus();
    });
    this.renderStatus();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.stop(5000);
      } catch (error) {
        this.output.appendLine(`Stopping the server: ${(error as Error).message ?? error}`);
      }
    }
    this.disposeFallbacks();
  }

  private async restart(): Promise<void> {
    await this.stop();
    this.serverStatus = undefined;
    await this.start();
  }

  /** One notification with the install command and a way to the docs; details go to the output channel. */
  private serverMissing(discovery: Discovery, pythonCommand: string[] | undefined): void {
    this.clientState = "stopped";
    this.serverStatus = { store: "not running", detail: "The prodlens server is not installed." };
    this.renderStatus();
    this.registerFallbacks("the prodlens server is not installed");
    const message = missingServerMessage(discovery, pythonCommand);
    this.output.appendLine(message);
    void vscode.window.showErrorMessage(message, "Open Docs", "Show Output").then((choice) => {
      if (choice === "Open Docs") {
        void openDocs(this.context);
      } else if (choice === "Show Output") {
        this.output.show(true);
      }
    });
  }

  /** Without a server the palette entries still answer, with the reason instead of "command not found". */
  private registerFallbacks(reason: string): void {
    this.disposeFallbacks();
    for (const command of SERVER_COMMANDS) {
      this.fallbacks.push(
        vscode.commands.registerCommand(command, async () => {
          const choice = await vscode.window.showErrorMessage(`prodlens: ${reason}.`, "Open Docs", "Restart Server");
          if (choice === "Open Docs") {
            await openDocs(this.context);
          } else if (choice === "Restart Server") {
            await this.restart();
          }
        }),
      );
    }
  }

  private disposeFallbacks(): void {
    this.fallbacks.forEach((d) => d.dispose());
    this.fallbacks = [];
  }

  // ---------------------------------------------------------------------------------------------- settings

  /** The explicit settings in the server's shape, with the session's window on top. */
  private serverConfig(): ServerConfig {
    const folder = firstFolder();
    const settings = vscode.workspace.getConfiguration("prodlens", folder);
    const explicit: ExplicitSettings = {};
    for (const key of Object.keys(FORWARDED_SETTINGS) as ForwardedSetting[]) {
      const inspected = settings.inspect(key);
      const value = inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
      if (value !== undefined) {
        explicit[key] = value;
      }
    }
    const { config, problems } = toServerConfig(explicit, { home: os.homedir(), workspaceFolder: folder?.fsPath });
    if (problems.length > 0) {
      problems.forEach((p) => this.output.appendLine(`setting ignored: ${p}`));
      void vscode.window.showWarningMessage(`prodlens: ${problems.join("; ")}`);
    }
    if (this.sessionWindow) {
      config.window = this.sessionWindow;
    }
    return config;
  }

  private configurationChanged(event: vscode.ConfigurationChangeEvent): void {
    if (!event.affectsConfiguration("prodlens")) {
      return;
    }
    if (event.affectsConfiguration("prodlens.server")) {
      void vscode.window
        .showInformationMessage("prodlens: the server settings changed. Restart the server to use them?", "Restart")
        .then((choice) => (choice === "Restart" ? this.restart() : undefined));
      return;
    }
    if (event.affectsConfiguration("prodlens.window")) {
      this.sessionWindow = undefined;
    }
    const client = this.client;
    if (client && client.state === State.Running) {
      const config = this.serverConfig();
      this.output.appendLine(`Settings changed: ${JSON.stringify(config)}`);
      void client.sendNotification(DidChangeConfigurationNotification.type, { settings: { prodlens: config } });
    }
    this.renderStatus();
  }

  // -------------------------------------------------------------------------------------------- status bar

  private configuredWindow(): string | undefined {
    return this.sessionWindow ?? (vscode.workspace.getConfiguration("prodlens", firstFolder()).get<string>("window") || undefined);
  }

  private renderStatus(): void {
    const status: ServerStatus | undefined =
      this.clientState === "running"
        ? (this.serverStatus ?? { store: "running" })
        : this.clientState === "starting"
          ? { store: "starting" }
          : (this.serverStatus ?? { store: "stopped", detail: "The prodlens server is not running." });
    const view = statusView(status, this.configuredWindow());
    this.statusItem.text = view.text;
    this.statusItem.tooltip = view.tooltip;
    this.statusItem.backgroundColor = view.warning ? new vscode.ThemeColor("statusBarItem.warningBackground") : undefined;
  }

  // -------------------------------------------------------------------------------------------- commands

  /**
   * Palette invocations reach the server's commands without arguments; fill them in from the editor (the
   * statement under the cursor, a log line, a window) and handle what the server returns.
   */
  private middleware(): Middleware {
    return {
      executeCommand: async (command, args, next) => {
        switch (command) {
          case "prodlens.openDashboard": {
            const url = await (args.length > 0 ? next(command, args) : this.openDashboardFromPalette(next));
            if (typeof url === "string" && url !== "") {
              // The server opens it (window/showDocument); the output channel keeps it for copying.
              this.output.appendLine(`Dashboard link: ${url}`);
            }
            return url;
          }
          case "prodlens.findStatement":
            return this.findStatement(args, next);
          case "prodlens.setWindow":
            return this.setWindow(args, next);
          default:
            return next(command, args);
        }
      },
    };
  }

  private async openDashboardFromPalette(next: (command: string, args: unknown[]) => unknown): Promise<unknown> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage("prodlens: open a file and put the cursor on a log statement first.");
      return undefined;
    }
    const lenses =
      (await vscode.commands.executeCommand<vscode.CodeLens[]>("vscode.executeCodeLensProvider", editor.document.uri, 1000)) ?? [];
    const statements = lenses.filter((l) => l.command?.command === "prodlens.openDashboard" && l.command.arguments?.length);
    if (statements.length === 0) {
      void vscode.window.showInformationMessage("prodlens: this file has no log statements prodlens knows of.");
      return undefined;
    }
    const line = editor.selection.active.line;
    const onLine = statements.find((l) => l.range.start.line === line);
    let chosen = onLine;
    if (!chosen) {
      const items = statements
        .map((lens) => ({
          label: `${lens.range.start.line + 1}: ${editor.document.lineAt(lens.range.start.line).text.trim()}`,
          description: lens.command?.title,
          lens,
          distance: Math.abs(lens.range.start.line - line),
        }))
        .sort((a, b) => a.distance - b.distance);
      const picked = await vscode.window.showQuickPick(items, { placeHolder: "Which log statement?" });
      chosen = picked?.lens;
    }
    return chosen ? next("prodlens.openDashboard", chosen.command!.arguments!) : undefined;
  }

  private async findStatement(args: unknown[], next: (command: string, args: unknown[]) => unknown): Promise<unknown> {
    let line = typeof args[0] === "string" ? args[0] : undefined;
    if (line === undefined) {
      let clipboard: string | undefined;
      try {
        clipboard = await vscode.env.clipboard.readText();
      } catch {
        clipboard = undefined; // some remote setups refuse clipboard reads; the box simply starts empty
      }
      line = await vscode.window.showInputBox({
        title: "Find Log Statement for a Log Line",
        prompt: "Paste a production log line (plain text, JSON or logfmt)",
        placeHolder: "2024-05-01 12:00:00 ERROR Payment 42 failed: card declined",
        value: logLineFromClipboard(clipboard),
        ignoreFocusOut: true,
      });
      if (!line || line.trim() === "") {
        return undefined;
      }
    }
    const result = (await next("prodlens.findStatement", [line])) as FindResult | undefined;
    await this.goToFound(result);
    return result;
  }

  /** Open the statement the server found; when several fit equally, let the user choose. */
  private async goToFound(result: FindResult | undefined): Promise<void> {
    const locations = result?.locations ?? [];
    if (locations.length === 0) {
      return; // the server already said so
    }
    let target = locations[0];
    if (locations.length > 1) {
      const picked = await vscode.window.showQuickPick(
        locations.map((loc) => ({ label: `${loc.path}:${loc.line}`, description: loc.template, loc })),
        { placeHolder: `${locations.length} statements could have written this line` },
      );
      if (!picked) {
        return;
      }
      target = picked.loc;
    }
    const range = new vscode.Range(
      target.range.start.line,
      target.range.start.character,
      target.range.start.line,
      target.range.start.character,
    );
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(target.uri));
    await vscode.window.showTextDocument(document, { selection: range, preview: false });
  }

  private async setWindow(args: unknown[], next: (command: string, args: unknown[]) => unknown): Promise<unknown> {
    let window = typeof args[0] === "string" ? args[0] : undefined;
    if (window === undefined) {
      const current = this.serverStatus?.window ?? this.configuredWindow() ?? "24h";
      const picked = await vscode.window.showQuickPick(
        WINDOW_CHOICES.map((w) => ({ label: w, description: w === current ? "current" : undefined })),
        { placeHolder: "Count log statements over the last…" },
      );
      if (!picked) {
        return undefined;
      }
      window = picked.label;
    }
    const result = await next("prodlens.setWindow", [window]);
    if (typeof result === "string") {
      this.sessionWindow = result;
      if (this.serverStatus) {
        this.serverStatus = { ...this.serverStatus, window: result };
      }
      this.renderStatus();
    }
    return result;
  }
}

interface FoundLocation {
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  path: string;
  line: number;
  template: string;
}

interface FindResult {
  locations?: FoundLocation[];
}

function firstFolder(): vscode.Uri | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}

/** The docs ship inside the extension, so the button works offline and in remote setups. */
async function openDocs(context: vscode.ExtensionContext): Promise<void> {
  // vsce stores README.md as readme.md inside the package; accept either spelling.
  let readme = vscode.Uri.joinPath(context.extensionUri, "README.md");
  for (const name of ["README.md", "readme.md"]) {
    const candidate = vscode.Uri.joinPath(context.extensionUri, name);
    try {
      await vscode.workspace.fs.stat(candidate);
      readme = candidate;
      break;
    } catch {
      // try the next spelling
    }
  }
  try {
    await vscode.commands.executeCommand("markdown.showPreview", readme);
  } catch {
    await vscode.window.showTextDocument(readme);
  }
}

/**
 * The interpreter the Python extension selected for the workspace, as a command line (conda environments
 * can need more than one word). Undefined when that extension is absent or has no interpreter yet.
 */
async function pythonExtensionCommand(output: vscode.OutputChannel): Promise<string[] | undefined> {
  const extension = vscode.extensions.getExtension("ms-python.python");
  if (!extension) {
    return undefined;
  }
  try {
    const api = extension.isActive ? extension.exports : await extension.activate();
    const resource = firstFolder();
    const details = api?.settings?.getExecutionDetails?.(resource);
    if (Array.isArray(details?.execCommand) && details.execCommand.length > 0) {
      return details.execCommand as string[];
    }
    const active = api?.environments?.getActiveEnvironmentPath?.(resource);
    if (active?.path) {
      const resolved = await api.environments.resolveEnvironment?.(active);
      const executable = resolved?.executable?.uri?.fsPath ?? active.path;
      return [executable];
    }
  } catch (error) {
    output.appendLine(`The Python extension did not tell its interpreter: ${(error as Error).message ?? error}`);
  }
  return undefined;
}
