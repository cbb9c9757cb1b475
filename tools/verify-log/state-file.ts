import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';

/** What the verifier remembers between runs: the log's key and the last checkpoint it verified. */
export const savedStateSchema = z.object({
  url: z.string(),
  origin: z.string(),
  publicKey: z.string(),
  checkpoint: z.object({ treeSize: z.number().int().min(0), rootHash: z.string(), body: z.string(), signature: z.string() }),
});
export type SavedState = z.infer<typeof savedStateSchema>;

/** The saved state, undefined when there is no file yet; throws on a corrupt file (say so rather than start over silently). */
export async function loadState(path: string): Promise<SavedState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return savedStateSchema.parse(JSON.parse(text));
}

/** Writes atomically (temp file + rename), so a crash never leaves half a state file. */
export async function saveState(path: string, state: SavedState): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(state, null, 2) + '\n', 'utf8');
  await rename(tmp, path);
}
