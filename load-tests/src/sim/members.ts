import { ApiClient, ApiError } from './api-client';

export type Role = 'rider' | 'driver';

export interface Credentials {
  email: string;
  password: string;
}

export interface SignedIn {
  memberId: string;
  token: string;
}

/** Signs in; the member must exist. */
export async function signIn(api: ApiClient, creds: Credentials): Promise<SignedIn> {
  const res = await api.call<{ accessToken: string; memberId: string }>('POST', '/v1/auth/token', { body: creds });
  return { memberId: res.memberId, token: res.accessToken };
}

/**
 * Signs in, registering first when the member does not exist yet, so a demo city can be
 * started again on the same database and find its members there.
 */
export async function signInOrRegister(api: ApiClient, creds: Credentials, role: Role, displayName: string): Promise<SignedIn> {
  try {
    return await signIn(api, creds);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
  }
  await api.call('POST', '/v1/auth/register', { body: { ...creds, displayName, role } });
  return signIn(api, creds);
}

/** The admin approves a driver; approving twice is harmless. */
export async function approveDriver(api: ApiClient, adminToken: string, memberId: string): Promise<void> {
  await api.call('POST', `/v1/admin/drivers/${memberId}/approve`, { token: adminToken });
}

/** Runs `work` over the items, at most `concurrency` at a time, results in input order. */
export async function inBatches<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i], i);
    }
  });
  await Promise.all(lanes);
  return out;
}
