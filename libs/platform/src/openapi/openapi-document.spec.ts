import { z } from 'zod';
import { buildOpenApiDocument, errorResponses, openApiPath } from './openapi-document';

describe('OpenAPI document', () => {
  it('turns express paths into OpenAPI templates', () => {
    expect(openApiPath('/v1/trips/:tripId/cancel')).toBe('/v1/trips/{tripId}/cancel');
    expect(openApiPath('//v1/quotes/')).toBe('/v1/quotes');
    expect(openApiPath('/')).toBe('/');
  });

  it('groups error codes by their HTTP status', () => {
    const responses = errorResponses(['TRIP_NOT_FOUND', 'OFFER_NOT_FOUND', 'VALIDATION_FAILED', 'TRIP_NOT_FOUND']);
    expect(Object.keys(responses)).toEqual(['400', '404']);
    expect(responses['404'].description).toContain('`TRIP_NOT_FOUND`');
    expect(responses['404'].description).toContain('`OFFER_NOT_FOUND`');
  });

  it('documents body, parameters, access and errors of a documented route', () => {
    const body = z.strictObject({ quoteId: z.string().uuid() });
    const doc = buildOpenApiDocument({ title: 't', version: '1' }, [
      {
        method: 'post',
        path: '/v1/trips/:tripId/cancel',
        isPublic: false,
        roles: ['rider'],
        doc: { tag: 'trips', summary: 'Cancel', body, params: { tripId: z.string().uuid() }, responses: { 200: { description: 'ok', schema: body } }, errors: ['TRIP_NOT_FOUND'], idempotent: true },
      },
    ]) as { paths: Record<string, Record<string, Record<string, unknown>>> };
    const op = doc.paths['/v1/trips/{tripId}/cancel'].post as {
      security: unknown[];
      parameters: { name: string; in: string; schema: { format?: string } }[];
      requestBody: { content: { 'application/json': { schema: { required: string[]; additionalProperties: boolean } } } };
      responses: Record<string, unknown>;
      'x-roles': string[];
    };
    expect(op.security).toEqual([{ bearer: [] }]);
    expect(op['x-roles']).toEqual(['rider']);
    expect(op.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(['path:tripId', 'header:Idempotency-Key']);
    expect(op.parameters[0].schema.format).toBe('uuid');
    expect(op.requestBody.content['application/json'].schema).toMatchObject({ required: ['quoteId'], additionalProperties: false });
    expect(Object.keys(op.responses).sort()).toEqual(['200', '400', '401', '403', '404', '409', '413']);
  });

  it('marks a route without @ApiDoc as undocumented instead of leaving it out', () => {
    const doc = buildOpenApiDocument({ title: 't', version: '1' }, [{ method: 'get', path: '/v1/things', isPublic: true }]) as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    expect(doc.paths['/v1/things'].get['x-undocumented']).toBe(true);
    expect(doc.paths['/v1/things'].get.security).toEqual([]);
  });

  it('lists query parameters from a query schema', () => {
    const doc = buildOpenApiDocument({ title: 't', version: '1' }, [
      { method: 'get', path: '/v1/list', isPublic: true, doc: { tag: 'x', summary: 'List', query: z.object({ from: z.coerce.number().int(), limit: z.coerce.number().int().optional() }), responses: { 200: { description: 'ok' } } } },
    ]) as { paths: Record<string, Record<string, { parameters: { name: string; required: boolean }[] }>> };
    expect(doc.paths['/v1/list'].get.parameters).toEqual([
      expect.objectContaining({ name: 'from', required: true }),
      expect.objectContaining({ name: 'limit', required: false }),
    ]);
  });
});
