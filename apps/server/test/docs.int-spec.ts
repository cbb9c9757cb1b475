import { TestSystem } from './system.harness';

jest.setTimeout(30_000);

type Operation = { 'x-undocumented'?: boolean; security: unknown[]; requestBody?: unknown; responses: Record<string, unknown> };
type OpenApi = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  'x-socket-namespaces': { namespace: string; events: { event: string; direction: string; payload?: unknown }[] }[];
};

/** The API reference at /docs is built from the running app's own routes and schemas. */
describe('API reference at /docs', () => {
  let system: TestSystem;
  let doc: OpenApi;

  beforeAll(async () => {
    system = await TestSystem.start();
    const response = await system.http('GET', '/docs/openapi.json');
    expect(response.status).toBe(200);
    doc = response.body as OpenApi;
  });
  afterAll(() => system?.stop());

  it('is OpenAPI 3.1 and lists the contract routes', () => {
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations).toEqual(
      expect.arrayContaining([
        'POST /v1/auth/register',
        'POST /v1/auth/token',
        'POST /v1/admin/drivers/{memberId}/approve',
        'POST /v1/quotes',
        'POST /v1/trips',
        'GET /v1/trips/{tripId}',
        'POST /v1/trips/{tripId}/cancel',
        'GET /v1/policy',
        'GET /health',
        'GET /metrics',
      ]),
    );
  });

  it('documents every route the app serves', () => {
    const undocumented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).filter(([, op]) => op['x-undocumented']).map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(undocumented).toEqual([]);
  });

  it('describes bodies with the schemas the server validates with', async () => {
    const register = doc.paths['/v1/auth/register'].post as Operation & {
      requestBody: { content: { 'application/json': { schema: { required: string[]; properties: Record<string, { enum?: string[] }> } } } };
    };
    const schema = register.requestBody.content['application/json'].schema;
    expect(schema.required.sort()).toEqual(['displayName', 'email', 'password', 'role']);
    expect(schema.properties.role.enum).toEqual(['rider', 'driver']);
    // A role outside the documented enum is refused by the server, as the document says.
    const refused = await system.http('POST', '/v1/auth/register', { body: { email: 'x@coop.test', password: 'password-1', displayName: 'X', role: 'admin' } });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('VALIDATION_FAILED');
    expect(register.security).toEqual([]);
    expect(doc.paths['/v1/trips'].post.security).toEqual([{ bearer: [] }]);
  });

  it('documents the driver and rider socket events', () => {
    const namespaces = Object.fromEntries(doc['x-socket-namespaces'].map((ns) => [ns.namespace, ns.events.map((e) => e.event)]));
    expect(namespaces['/drivers']).toEqual(
      expect.arrayContaining(['driver:online', 'driver:location', 'driver:offline', 'offer:accept', 'offer:decline', 'trip:arrived', 'trip:started', 'trip:completed', 'offer', 'offer:revoked', 'trip:updated']),
    );
    expect(namespaces['/riders']).toEqual(expect.arrayContaining(['trip:updated', 'driver:location']));
  });

  it('serves a readable page without a token', async () => {
    const page = await system.http('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.contentType).toContain('text/html');
    expect(page.body).toContain('/docs/openapi.json');
  });
});
