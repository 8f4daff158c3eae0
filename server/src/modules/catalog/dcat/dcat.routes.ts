import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { DB } from '../../../db/schema.ts';
import { IdParams } from '../catalog.schemas.ts';
import type { Agent } from './dcat.ts';
import { catalogGraph, resourceGraph } from './dcat.service.ts';
import { toJsonLd, toTurtle } from './rdf.ts';

export interface CatalogDcatOptions {
  db: Kysely<DB>;
  /** The platform's public base URL (PUBLIC_BASE_URL); the IRIs of the export are built on it. */
  baseUrl?: string;
  /** The catalog's publisher; by default the first department of the top-level division. */
  publisher?: Agent;
}

export const DEFAULT_PUBLIC_BASE_URL = 'http://localhost:8080';

const JSON_LD = 'application/ld+json; charset=utf-8';
const TURTLE = 'text/turtle; charset=utf-8';

const JsonLdDocument = Type.Object(
  { '@context': Type.Record(Type.String(), Type.String()), '@graph': Type.Array(Type.Record(Type.String(), Type.Unknown())) },
  { description: 'JSON-LD (application/ld+json), DCAT-AP 3' },
);
const TurtleDocument = Type.String({ description: 'Turtle (text/turtle), DCAT-AP 3' });

/** DCAT-AP 3 export of the published catalog entries (docs/catalog-dcat.md). */
export async function catalogDcatRoutes(fastify: FastifyInstance, { db, baseUrl, publisher }: CatalogDcatOptions) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const base = (baseUrl?.trim() || DEFAULT_PUBLIC_BASE_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+/.test(base)) throw new Error(`PUBLIC_BASE_URL must be an http(s) URL, got "${base}"`);
  const opts = { baseUrl: base, publisher };
  const tags = ['catalog'];

  app.get('/api/catalog/dcat.jsonld', {
    config: { access: 'catalog.read' },
    schema: { tags, summary: 'DCAT-AP 目录导出（JSON-LD）/ The published catalog as DCAT-AP 3 JSON-LD', response: { 200: JsonLdDocument } },
  }, async (req, reply) => reply.type(JSON_LD).send(toJsonLd(await catalogGraph(db, req.ctx, opts))));

  app.get('/api/catalog/dcat.ttl', {
    config: { access: 'catalog.read' },
    schema: { tags, summary: 'DCAT-AP 目录导出（Turtle）/ The published catalog as DCAT-AP 3 Turtle', response: { 200: TurtleDocument } },
  }, async (req, reply) => reply.type(TURTLE).send(toTurtle(await catalogGraph(db, req.ctx, opts))));

  app.get('/api/catalog/resources/:id/dcat.jsonld', {
    config: { access: 'catalog.read' },
    schema: { tags, summary: 'DCAT-AP 条目导出（JSON-LD）/ One published entry as a DCAT-AP 3 dataset (404 if not published)', params: IdParams, response: { 200: JsonLdDocument } },
  }, async (req, reply) => reply.type(JSON_LD).send(toJsonLd(await resourceGraph(db, req.ctx, req.params.id, opts))));

  app.get('/api/catalog/resources/:id/dcat.ttl', {
    config: { access: 'catalog.read' },
    schema: { tags, summary: 'DCAT-AP 条目导出（Turtle）/ One published entry as a DCAT-AP 3 dataset (404 if not published)', params: IdParams, response: { 200: TurtleDocument } },
  }, async (req, reply) => reply.type(TURTLE).send(toTurtle(await resourceGraph(db, req.ctx, req.params.id, opts))));
}
