/**
 * What the status bar item says, from the server's `prodlens/status` notification.
 *
 * The server owns the store's state (it is the one talking to the store); the extension only renders it.
 * Until the first notification arrives the item shows the window the extension asked for. Kept free of
 * `vscode` for unit tests; codicons are written as `$(name)` text, which the status bar renders.
 */

/** Payload of the `prodlens/status` notification. Unknown extra fields are ignored. */
export interface ServerStatus {
  /** `connected`, `stale` (serving cached counts) or `unreachable`; anything else is shown as given. */
  store?: string;
  /** The time window the counts cover, e.g. `24h`. */
  window?: string;
  /** The store's location with credentials removed, for the tooltip. */
  url?: string;
  /** One line on why the store is stale or unreachable. */
  detail?: string;
}

export const STATUS_NOTIFICATION = "prodlens/status";

export interface StatusView {
  text: string;
  tooltip: string;
  /** Whether the item should use the warning background. */
  warning: boolean;
}

const ICONS: Record<string, string> = {
  connected: "$(pulse)",
  stale: "$(history)",
  unreachable: "$(debug-disconnect)",
  starting: "$(sync~spin)",
  running: "$(pulse)",
  stopped: "$(circle-slash)",
};

/** States that need no word in the item itself (the icon says enough). */
const QUIET_STATES = new Set(["connected", "starting", "running"]);

/** Render the item; `fallbackWindow` is the window we last asked for, used when the server has not said. */
export function statusView(status: ServerStatus | undefined, fallbackWindow: string | undefined): StatusView {
  const window = status?.window || fallbackWindow || "24h";
  const state = typeof status?.store === "string" && status.store !== "" ? status.store : "starting";
  const icon = ICONS[state] ?? "$(info)";
  const lines = [state === "running" ? "prodlens — server running" : `prodlens — store ${state}`];
  if (status?.url) {
    lines.push(`Store: ${status.url}`);
  }
  if (status?.detail) {
    lines.push(status.detail);
  }
  lines.push(`Counts over the last ${window}. Click to change the time window.`);
  return {
    text: `${icon} prodlens ${window}${QUIET_STATES.has(state) ? "" : ` (${state})`}`,
    tooltip: lines.join("\n"),
    warning: state === "unreachable",
  };
}

/** Accept whatever arrived as a notification payload, keeping only well-typed fields. */
export function parseStatus(params: unknown): ServerStatus | undefined {
  if (!params || typeof params !== "object") {
    return undefined;
  }
  const raw = params as Record<string, unknown>;
  const pick = (key: string) => (typeof raw[key] === "string" ? (raw[key] as string) : undefined);
  return { store: pick("store"), window: pick("window"), url: pick("url"), detail: pick("detail") };
}

/** The windows offered by "Set Time Window", the current one first marked. */
export const WINDOW_CHOICES = ["15m", "1h", "24h", "7d", "30d"] as const;
