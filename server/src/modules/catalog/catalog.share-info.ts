import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { effectiveShareType, type EntryContent, type EntryField, type ShareType } from './domain/entry.ts';

/** What the sharing module needs to know about a resource: its published share attributes and fields. */
export interface ResourceShareInfo {
  id: string;
  code: string;
  name: string;
  providerDepartmentId: string;
  /** Published (a published version exists and the entry is not withdrawn). */
  published: boolean;
  /** The published version the attributes come from; null when never published. */
  version: number | null;
  share: EntryContent['share'] | null;
  /** The published version's fields with their effective share type (field override or the resource's). */
  fields: { englishName: string; name: string; dataType: EntryField['dataType']; shareType: ShareType; conditions: string | null; legalBasis: string | null }[];
}

/** A resource's published share attributes and fields, or null when it does not exist. Read-only. */
export async function resourceShareInfo(db: Kysely<DB> | Transaction<DB>, resourceId: string): Promise<ResourceShareInfo | null> {
  const row = await db.selectFrom('catalog.resource').select(['id', 'code', 'name', 'provider_department_id', 'status', 'published_version']).where('id', '=', resourceId).executeTakeFirst();
  if (!row) return null;
  const published = row.published_version !== null && row.status !== 'withdrawn';
  const base = { id: row.id, code: row.code, name: row.name, providerDepartmentId: row.provider_department_id, published, version: row.published_version };
  if (row.published_version === null) return { ...base, share: null, fields: [] };
  const v = await db.selectFrom('catalog.resource_version').select('content').where('resource_id', '=', resourceId).where('version', '=', row.published_version).executeTakeFirstOrThrow();
  const c = v.content as EntryContent;
  return {
    ...base,
    share: c.share,
    fields: c.fields.map((f) => ({
      englishName: f.englishName,
      name: f.name,
      dataType: f.dataType,
      shareType: effectiveShareType(c, f),
      conditions: f.shareConditions ?? (f.shareType ? null : (c.share.conditions ?? null)),
      legalBasis: f.legalBasis ?? c.share.legalBasis ?? null,
    })),
  };
}
