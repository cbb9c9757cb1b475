/** The signed-in member, kept for the browser tab only (sessionStorage), never in a cookie. */
export interface Session {
  accessToken: string;
  memberId: string;
  role: 'rider' | 'driver' | 'admin' | 'treasurer';
  email: string;
}

const KEY = 'coop.session';

export function currentSession(): Session | undefined {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as Session;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
