#!/usr/bin/env node
// The functions that took the most CPU in a V8 .cpuprofile (node --cpu-prof), by self time
// and by package, to see what dominates a load run:
//   npm run ts -- load-tests/src/profile/cpu-profile-top.ts <file.cpuprofile> [rows] [from-s to-s]
// from/to (seconds since the profile's start) keep one stretch, e.g. a run's window without its setup.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  startTime?: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time in ms per node id: each sample's following time delta goes to the sampled node. */
export function selfTimes(profile: CpuProfile, fromS = 0, toS = Infinity): Map<number, number> {
  const out = new Map<number, number>();
  let atUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    atUs += profile.timeDeltas[i] ?? 0;
    if (atUs / 1e6 < fromS || atUs / 1e6 > toS) continue;
    const delta = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    out.set(profile.samples[i], (out.get(profile.samples[i]) ?? 0) + delta);
  }
  return out;
}

/** "pg", "@nestjs/core", "app" (our code), "node" (built-ins) or "(idle)"-like V8 entries. */
export function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return 'node';
  return 'app';
}

function main(): void {
  const [file, rowsArg, fromArg, toArg] = process.argv.slice(2);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const rows = Number(rowsArg ?? 25);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = selfTimes(profile, Number(fromArg ?? 0), toArg === undefined ? Infinity : Number(toArg));
  let total = 0;
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const [id, ms] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    total += ms;
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/')}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
    const pkg = packageOf(url, functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
  }
  const print = (title: string, m: Map<string, number>, n: number) => {
    console.log(`\n${title} (of ${(total / 1000).toFixed(1)} s sampled)`);
    for (const [k, ms] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) {
      console.log(`${(ms / 1000).toFixed(2).padStart(8)} s ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${k}`);
    }
  };
  print('self time by package', byPackage, 15);
  print('self time by function', byFunction, rows);
}

if (require.main === module) main();
