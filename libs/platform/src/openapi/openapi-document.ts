import { z } from 'zod';
import type { MemberRole } from '../auth/access-token';
import { ErrorCode, errorCatalog } from '../errors/error-codes';
import type { ApiDocSpec, SocketNamespaceDoc } from './api-doc';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A route as the framework mapped it, with what its decorators say. */
export interface DiscoveredRoute {
  method: HttpMethod;
  /** Express-style path, e.g. `/v1/trips/:tripId`. */
  path: string;
  doc?: ApiDocSpec;
  isPublic: boolean;
  roles?: readonly MemberRole[];
}

type JsonObject = Record<string, unknown>;

const problemRef = { $ref: '#/components/schemas/Problem' };

/**
 * Builds the OpenAPI 3.1 document (whose schemas are JSON Schema 2020-12, what zod emits) from
 * the discovered routes. Routes without @ApiDoc still appear, marked `x-undocumented`, so
 * a missing description is visible rather than silently absent.
 */
export function buildOpenApiDocument(info: { title: string; version: string }, routes: readonly DiscoveredRoute[], sockets: readonly SocketNamespaceDoc[] = []): JsonObject {
  const paths: Record<string, JsonObject> = {};
  const ordered = [...routes].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  for (const route of ordered) {
    const key = openApiPath(route.path);
    paths[key] = { ...paths[key], [route.method]: operationOf(route) };
  }
  return {
    openapi: '3.1.0',
    info: { ...info, description: 'The client contract of Co-op Dispatch. Errors are application/problem+json (RFC 9457) with a stable `code`.' },
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An access token from POST /v1/auth/token' } },
      schemas: { Problem: problemSchema() },
    },
    'x-socket-namespaces': sockets.map(socketNamespaceOf),
  };
}

/** `/v1/trips/:tripId` -> `/v1/trips/{tripId}` */
export function openApiPath(expressPath: string): string {
  const normalized = ('/' + expressPath).replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
  return normalized.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** The error codes of a route grouped by HTTP status, each status listing its codes. */
export function errorResponses(codes: readonly ErrorCode[]): Record<string, JsonObject> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = errorCatalog[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, JsonObject> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: list.map((code) => `\`${code}\`: ${errorCatalog[code].title}`).join('; '),
      content: { 'application/problem+json': { schema: problemRef } },
    };
  }
  return responses;
}

function operationOf(route: DiscoveredRoute): JsonObject {
  const doc = route.doc;
  const implicitErrors: ErrorCode[] = route.isPublic ? [] : ['UNAUTHENTICATED', ...(route.roles ? (['FORBIDDEN'] as const) : [])];
  const inputErrors: ErrorCode[] = doc?.body || doc?.query || route.path.includes(':') ? ['VALIDATION_FAILED'] : [];
  const bodyErrors: ErrorCode[] = doc?.body ? ['MALFORMED_JSON', 'PAYLOAD_TOO_LARGE'] : [];
  const operation: JsonObject = {
    tags: [doc?.tag ?? 'undocumented'],
    summary: doc?.summary ?? `${route.method.toUpperCase()} ${route.path}`,
    ...(doc?.description ? { description: doc.description } : {}),
    security: route.isPublic ? [] : [{ bearer: [] }],
    ...(route.roles?.length ? { 'x-roles': route.roles } : {}),
    parameters: parametersOf(route),
    ...(doc?.body ? { requestBody: { required: true, content: { 'application/json': { schema: inputSchema(doc.body) } } } } : {}),
    responses: {
      ...successResponses(doc),
      ...errorResponses([...inputErrors, ...bodyErrors, ...implicitErrors, ...(doc?.errors ?? []), ...(doc?.idempotent ? (['IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_IN_PROGRESS'] as const) : [])]),
    },
  };
  if (!doc) operation['x-undocumented'] = true;
  return operation;
}

function parametersOf(route: DiscoveredRoute): JsonObject[] {
  const doc = route.doc;
  const pathParams = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: doc?.params?.[name] ? inputSchema(doc.params[name]) : { type: 'string' },
  }));
  const queryParams = doc?.query ? queryParametersOf(doc.query) : [];
  const idempotencyKey = doc?.idempotent
    ? [{ name: 'Idempotency-Key', in: 'header', required: false, description: 'A retry with the same key and body returns the first answer; the same key with another body is 409.', schema: { type: 'string', maxLength: 200 } }]
    : [];
  return [...pathParams, ...queryParams, ...idempotencyKey];
}

function queryParametersOf(query: z.ZodType): JsonObject[] {
  const schema = inputSchema(query) as { properties?: Record<string, JsonObject>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: schema.required?.includes(name) ?? false,
    schema: property,
  }));
}

function successResponses(doc: ApiDocSpec | undefined): Record<string, JsonObject> {
  if (!doc) return { default: { description: 'Not documented yet' } };
  const responses: Record<string, JsonObject> = {};
  for (const [status, response] of Object.entries(doc.responses)) {
    responses[status] = {
      description: response.description,
      ...(response.schema ? { content: { 'application/json': { schema: outputSchema(response.schema) } } } : {}),
    };
  }
  return responses;
}

function socketNamespaceOf(doc: SocketNamespaceDoc): JsonObject {
  return {
    namespace: doc.namespace,
    summary: doc.summary,
    events: doc.events.map((event) => ({
      event: event.event,
      direction: event.direction,
      summary: event.summary,
      ...(event.payload ? { payload: inputSchema(event.payload) } : {}),
      ...(event.ack ? { ack: event.ack } : {}),
      ...(event.errors?.length ? { errors: event.errors } : {}),
    })),
  };
}

/** JSON Schema of what a client may send (zod's input side); refinements it cannot express are left open. */
function inputSchema(schema: z.ZodType): JsonObject {
  return stripDialect(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonObject);
}

function outputSchema(schema: z.ZodType): JsonObject {
  return stripDialect(z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as JsonObject);
}

/** OpenAPI 3.1's default dialect is 2020-12 already; the per-schema `$schema` is noise. */
function stripDialect(schema: JsonObject): JsonObject {
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}

function problemSchema(): JsonObject {
  return {
    type: 'object',
    required: ['type', 'title', 'status', 'code'],
    properties: {
      type: { type: 'string' },
      title: { type: 'string' },
      status: { type: 'integer' },
      code: { type: 'string', enum: Object.keys(errorCatalog) },
      detail: { type: 'string' },
      instance: { type: 'string' },
      issues: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
    },
  };
}
