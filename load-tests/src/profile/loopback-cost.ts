#!/usr/bin/env node
// What one small message over loopback TCP costs this machine in CPU, client and server
// together: the floor under every fix (one message in, one ack out, on each side), whatever
// the code around it does. Many connections, each sending one small message and waiting for
// the echo, like drivers and their acks:
//   npm run ts -- load-tests/src/profile/loopback-cost.ts [connections=1000] [rounds=20]
import { createConnection, createServer, Socket } from 'node:net';

async function main(): Promise<void> {
  const [connectionsArg, roundsArg] = process.argv.slice(2);
  const connections = Number(connectionsArg ?? 1000);
  const rounds = Number(roundsArg ?? 20);
  // The echo side runs in this process too: the figure is the sum of both sides' CPU, as a fix's is.
  const server = createServer((s) => {
    s.setNoDelay(true);
    s.on('data', (d) => s.write(d));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  const sockets: Socket[] = await Promise.all(
    Array.from({ length: connections }, () => new Promise<Socket>((r) => {
      const s = createConnection({ port, host: '127.0.0.1', noDelay: true }, () => r(s));
    })),
  );
  const payload = Buffer.from('42["driver:location",{"lat":45.50171,"lng":-73.56731,"at":"2026-11-23T19:00:00.000Z"}]');
  const before = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let round = 0; round < rounds; round++) {
    await Promise.all(sockets.map((s) => new Promise<void>((r) => {
      s.once('data', () => r());
      s.write(payload);
    })));
  }
  const cpu = process.cpuUsage(before);
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const messages = connections * rounds;
  console.log(`${messages} round trips over ${connections} connections in ${wallMs.toFixed(0)} ms: ` +
    `${((cpu.user + cpu.system) / messages).toFixed(1)} us CPU per round trip (user ${(cpu.user / messages).toFixed(1)}, system ${(cpu.system / messages).toFixed(1)}), ` +
    `load average ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
  sockets.forEach((s) => s.destroy());
  server.close();
}

main().catch((e) => { console.error(e); process.exit(1); });
