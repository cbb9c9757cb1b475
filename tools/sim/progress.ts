/** A one-line progress bar on stderr (stdout stays clean for the table). */
export function progressBar(label: string): { update: (fraction: number) => void; done: () => void } {
  let last = -1;
  const width = 30;
  const draw = (f: number): void => {
    const filled = Math.round(f * width);
    process.stderr.write(`\r${label.padEnd(28)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(f * 100)).padStart(3)}%`);
  };
  return {
    update(fraction) {
      // On a terminal redraw every percent; in a log file only every 25 %.
      const step = process.stderr.isTTY ? 1 : 25;
      const pct = Math.floor((fraction * 100) / step) * step;
      if (pct !== last) {
        last = pct;
        draw(fraction);
      }
    },
    done() {
      draw(1);
      process.stderr.write('\n');
    },
  };
}
