/** Log levels, as MCP names them (a subset). */
export type LogLevel = "debug" | "info" | "warning" | "error";

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warning: 2, error: 3 };

/** A sink for log lines besides stderr, e.g. MCP logging notifications to the client. */
export type LogSink = (level: LogLevel, message: string) => void;

/**
 * Logs to stderr (stdout belongs to the MCP protocol) and to any attached sinks. Messages must never
 * contain the API key: callers log paths and statuses, never metadata.
 */
export class Logger {
  readonly #sinks = new Set<LogSink>();
  constructor(private readonly minLevel: LogLevel = "info") {}

  /** Also sends every line at or above the minimum level to `sink`; returns a detach function. */
  attach(sink: LogSink): () => void {
    this.#sinks.add(sink);
    return () => this.#sinks.delete(sink);
  }

  log(level: LogLevel, message: string): void {
    if (ORDER[level] < ORDER[this.minLevel]) return;
    process.stderr.write(`[xai-grpc-mcp] ${level}: ${message}\n`);
    for (const sink of this.#sinks) {
      try {
        sink(level, message);
      } catch {
        // A broken sink (a closed transport) must not break the call that logs.
      }
    }
  }

  debug(message: string): void {
    this.log("debug", message);
  }
  info(message: string): void {
    this.log("info", message);
  }
  warn(message: string): void {
    this.log("warning", message);
  }
  error(message: string): void {
    this.log("error", message);
  }
}
