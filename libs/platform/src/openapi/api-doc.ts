import { SetMetadata } from '@nestjs/common';
import type { z } from 'zod';
import type { ErrorCode } from '../errors/error-codes';

export const API_DOC_METADATA = 'coop:api-doc';
export const SOCKET_EVENTS_METADATA = 'coop:socket-events';

/** One response of an operation: what it means and, where it has a body, its schema. */
export interface ApiResponseDoc {
  description: string;
  schema?: z.ZodType;
}

/**
 * What /docs says about one HTTP operation. The schemas are the same zod schemas the
 * controller validates with, so the reference cannot drift from the checks.
 */
export interface ApiDocSpec {
  tag: string;
  summary: string;
  description?: string;
  body?: z.ZodType;
  query?: z.ZodType;
  /** Path parameters by name; a parameter not listed is documented as a plain string. */
  params?: Record<string, z.ZodType>;
  responses: Record<number, ApiResponseDoc>;
  /** The error codes a caller can meet besides VALIDATION_FAILED and the auth ones. */
  errors?: readonly ErrorCode[];
  /** The operation honours an Idempotency-Key header. */
  idempotent?: boolean;
}

/** Documents a route for the OpenAPI reference served at /docs. */
export const ApiDoc = (spec: ApiDocSpec) => SetMetadata(API_DOC_METADATA, spec);

/** One socket.io event of a namespace, as the contract describes it. */
export interface SocketEventDoc {
  event: string;
  direction: 'client-to-server' | 'server-to-client';
  summary: string;
  payload?: z.ZodType;
  /** What a successful ack carries, in words (failures are `{ ok: false, error: { code, message } }`). */
  ack?: string;
  errors?: readonly ErrorCode[];
}

export interface SocketNamespaceDoc {
  namespace: string;
  summary: string;
  events: readonly SocketEventDoc[];
}

/** Documents a gateway's namespace and events for /docs. */
export const DocumentSocketEvents = (doc: SocketNamespaceDoc) => SetMetadata(SOCKET_EVENTS_METADATA, doc);
