import { Injectable, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { MemberRole } from '../auth/access-token';
import { PUBLIC_METADATA, ROLES_METADATA } from '../auth/auth.guard';
import { API_DOC_METADATA, ApiDocSpec, SOCKET_EVENTS_METADATA, SocketNamespaceDoc } from './api-doc';
import type { DiscoveredRoute, HttpMethod } from './openapi-document';

const methodNames: Partial<Record<RequestMethod, HttpMethod>> = {
  [RequestMethod.GET]: 'get',
  [RequestMethod.POST]: 'post',
  [RequestMethod.PUT]: 'put',
  [RequestMethod.PATCH]: 'patch',
  [RequestMethod.DELETE]: 'delete',
};

/** Reads every mapped HTTP route and documented gateway from the running app's modules. */
@Injectable()
export class RouteDiscovery {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  routes(): DiscoveredRoute[] {
    return this.discovery.getControllers().flatMap(({ metatype, instance }) => {
      if (!metatype || !instance) return [];
      const prefixes = asArray(Reflect.getMetadata(PATH_METADATA, metatype) as string | string[] | undefined);
      const prototype = Object.getPrototypeOf(instance) as object;
      return this.scanner.getAllMethodNames(prototype).flatMap((name) => {
        const handler = (prototype as Record<string, unknown>)[name] as object;
        const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        const method = requestMethod === undefined ? undefined : methodNames[requestMethod];
        if (!method) return [];
        const targets = [handler as () => void, metatype];
        const doc = this.reflector.getAllAndOverride<ApiDocSpec | undefined>(API_DOC_METADATA, targets);
        const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_METADATA, targets) ?? false;
        const roles = this.reflector.getAllAndOverride<MemberRole[] | undefined>(ROLES_METADATA, targets);
        const paths = asArray(Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined);
        return prefixes.flatMap((prefix) => paths.map((path) => ({ method, path: `/${prefix}/${path}`, doc, isPublic, roles })));
      });
    });
  }

  socketNamespaces(): SocketNamespaceDoc[] {
    return this.discovery
      .getProviders()
      .flatMap(({ metatype }) => (metatype ? [Reflect.getMetadata(SOCKET_EVENTS_METADATA, metatype) as SocketNamespaceDoc | undefined] : []))
      .filter((doc): doc is SocketNamespaceDoc => doc !== undefined)
      .sort((a, b) => a.namespace.localeCompare(b.namespace));
  }
}

function asArray(value: string | string[] | undefined): string[] {
  if (value === undefined) return [''];
  return Array.isArray(value) ? value : [value];
}
