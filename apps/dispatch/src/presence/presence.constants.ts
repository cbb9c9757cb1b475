/**
 * A driver's presence expires from Redis after this long without any write: long enough to
 * ride out a reconnect, short enough that a vanished phone leaves the index. Matching also
 * excludes fixes older than the policy's staleFixSeconds, well before this.
 */
export const PRESENCE_TTL_SECONDS = 600;
