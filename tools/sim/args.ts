/** Command-line options of the simulator. */
export interface SimArgs {
  drivers: number;
  hours: number;
  seed: number;
  sizeKm: number;
  startHour: number;
  tickS: number;
  replayEvery: number;
  policies: string[] | null;
}

const DEFAULTS: SimArgs = { drivers: 300, hours: 2, seed: 42, sizeKm: 20, startHour: 7, tickS: 2, replayEvery: 25, policies: null };

/** Parses `--name value` pairs; unknown names and bad numbers are errors, not silently ignored. */
export function parseArgs(argv: readonly string[]): SimArgs {
  const out: SimArgs = { ...DEFAULTS };
  const names: Record<string, keyof SimArgs> = {
    '--drivers': 'drivers', '--hours': 'hours', '--seed': 'seed', '--size-km': 'sizeKm', '--start-hour': 'startHour',
    '--tick-s': 'tickS', '--replay-every': 'replayEvery', '--policies': 'policies',
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    const value = argv[i + 1];
    if (!key || value === undefined) throw new Error(`unknown or incomplete option ${argv[i]}; known: ${Object.keys(names).join(' ')}`);
    if (key === 'policies') out.policies = value.split(',');
    else {
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0) throw new Error(`${argv[i]} needs a non-negative number`);
      (out[key] as number) = n;
    }
  }
  if (out.drivers < 1 || out.hours <= 0 || out.sizeKm < 1) throw new Error('--drivers >= 1, --hours > 0, --size-km >= 1');
  if (!Number.isInteger(out.tickS) || out.tickS < 1 || 60 % out.tickS !== 0 || 4 % out.tickS !== 0) {
    throw new Error('--tick-s must be 1, 2 or 4 (fixes are sent every 4 s)');
  }
  return out;
}
