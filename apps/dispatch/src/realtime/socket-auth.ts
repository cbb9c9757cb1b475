import type { Namespace, Socket } from 'socket.io';
import { AccessTokenCodec, Clock, MemberRole, Principal } from '@coop/platform';
import { memberRoom } from './realtime.notifier';

/** The principal a socket proved in its handshake. */
export function principalOf(socket: Socket): Principal {
  return socket.data.principal as Principal;
}

/**
 * Admits a socket only with a valid token of one of `roles` in `auth.token`; refusals reach
 * the client as a connect_error whose `data.code` says why.
 */
export function requireToken(namespace: Namespace, tokens: AccessTokenCodec, clock: Clock, roles: readonly MemberRole[]): void {
  namespace.use((socket, next) => {
    const token: unknown = socket.handshake.auth?.token;
    const principal = typeof token === 'string' ? tokens.verify(token, clock.nowMs()) : undefined;
    if (!principal) return next(Object.assign(new Error('UNAUTHENTICATED'), { data: { code: 'UNAUTHENTICATED' } }));
    if (!roles.includes(principal.role)) return next(Object.assign(new Error('FORBIDDEN'), { data: { code: 'FORBIDDEN' } }));
    socket.data.principal = principal;
    void socket.join(memberRoom(principal.memberId));
    next();
  });
}

/**
 * Answers events the namespace does not know with an UNKNOWN_EVENT ack, so every event a
 * client sends is acknowledged as the contract promises.
 */
export function ackUnknownEvents(socket: Socket, known: ReadonlySet<string>): void {
  socket.onAny((event: string, ...args: unknown[]) => {
    const ack = args[args.length - 1];
    if (!known.has(event) && typeof ack === 'function') {
      ack({ ok: false, error: { code: 'UNKNOWN_EVENT', message: `unknown event "${event}"` } });
    }
  });
}
