const levels = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 } as const;
export type LogLevel = keyof typeof levels;

/**
 * Structured logs: one JSON object per line on stdout, so any log shipper can read them
 * without parsing prose. Its log/error/warn/debug/verbose methods have the shape of Nest's
 * LoggerService, so createApp hands it to Nest and framework logs match ours; no framework
 * import is needed here for that.
 */
export class JsonLogger {
  constructor(
    private readonly level: LogLevel = 'info',
    private readonly write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  ) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.emit('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }

  private emit(level: Exclude<LogLevel, 'silent'>, message: unknown, rest: unknown[]): void {
    if (levels[level] < levels[this.level]) return;
    // Nest passes the context as the last string argument, and a stack before it for errors.
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level, context };
    if (message instanceof Error) {
      entry.msg = message.message;
      entry.stack = message.stack;
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(entry, message);
    } else {
      entry.msg = String(message);
    }
    const stack = rest.find((r) => typeof r === 'string' && r.includes('\n    at '));
    if (stack) entry.stack = stack;
    this.write(JSON.stringify(entry));
  }
}
