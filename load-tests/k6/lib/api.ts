// The HTTP side of the client contract (../shared/API.md), for k6 VUs.
import http from 'k6/http';

const json = (token?: string) => ({
  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
});

function body<T>(res: http.RefinedResponse<http.ResponseType | undefined>, what: string): T {
  if (res.status < 200 || res.status >= 300) throw new Error(`${what}: ${res.status} ${String(res.body).slice(0, 200)}`);
  return res.json() as unknown as T;
}

export interface Member {
  memberId: string;
  token: string;
}

/** Signs the member in, registering first when needed (each costs the server a scrypt hash). */
export function signInOrRegister(base: string, email: string, password: string, role: 'rider' | 'driver'): Member {
  let res = http.post(`${base}/v1/auth/token`, JSON.stringify({ email, password }), json());
  if (res.status === 401) {
    body(http.post(`${base}/v1/auth/register`, JSON.stringify({ email, password, role, displayName: `k6 ${role}` }), json()), 'register');
    res = http.post(`${base}/v1/auth/token`, JSON.stringify({ email, password }), json());
  }
  const t = body<{ accessToken: string; memberId: string }>(res, 'token');
  return { memberId: t.memberId, token: t.accessToken };
}

export function approve(base: string, adminToken: string, memberId: string): void {
  body(http.post(`${base}/v1/admin/drivers/${memberId}/approve`, null, json(adminToken)), 'approve');
}

export function quote(base: string, token: string, pickup: object, dropoff: object): { quoteId: string } {
  return body(http.post(`${base}/v1/quotes`, JSON.stringify({ kind: 'ride', pickup, dropoff }), { ...json(token), tags: { name: 'quote' } }), 'quote');
}

export function requestTrip(base: string, token: string, quoteId: string): { tripId: string } {
  return body(http.post(`${base}/v1/trips`, JSON.stringify({ quoteId }), { ...json(token), tags: { name: 'trip request' } }), 'trip');
}

export function cancelTrip(base: string, token: string, tripId: string): void {
  http.post(`${base}/v1/trips/${tripId}/cancel`, JSON.stringify({ reason: 'k6' }), { ...json(token), tags: { name: 'cancel' } });
}

/** The admin and `count` members of a role, for setup(); the admin comes from ADMIN_EMAIL/ADMIN_PASSWORD. */
export function members(base: string, prefix: string, role: 'rider' | 'driver', count: number): Member[] {
  const admin = role === 'driver' ? signInOrRegister(base, __ENV.ADMIN_EMAIL || 'admin@coop.local', __ENV.ADMIN_PASSWORD || 'demo-admin-password', 'rider') : undefined;
  const out: Member[] = [];
  for (let i = 1; i <= count; i++) {
    const m = signInOrRegister(base, `k6-${prefix}-${role}${i}@coop.local`, 'k6-member-password', role);
    if (admin) approve(base, admin.token, m.memberId);
    out.push(m);
  }
  return out;
}
