import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DocsController } from './docs.controller';
import { RouteDiscovery } from './route-discovery';

/** Serves /docs and /docs/openapi.json for whichever apps run in this process. */
@Module({ imports: [DiscoveryModule], controllers: [DocsController], providers: [RouteDiscovery] })
export class DocsModule {}
