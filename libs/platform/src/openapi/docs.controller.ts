import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../auth/auth.guard';
import { buildOpenApiDocument } from './openapi-document';
import { docsPage } from './docs-page';
import { RouteDiscovery } from './route-discovery';

/** The API reference: the OpenAPI document and a page that reads it (no CDN: offices may be offline). */
@Public()
@Controller('docs')
export class DocsController {
  private document?: object;

  constructor(private readonly discovery: RouteDiscovery) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return docsPage;
  }

  @Get('openapi.json')
  openApi(): object {
    // Routes are fixed once the app is up, so the document is built on first use and kept.
    this.document ??= buildOpenApiDocument(
      { title: 'Co-op Dispatch API', version: '1' },
      this.discovery.routes().filter((route) => !route.path.startsWith('/docs')),
      this.discovery.socketNamespaces(),
    );
    return this.document;
  }
}
