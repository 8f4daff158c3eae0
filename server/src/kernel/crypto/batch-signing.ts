// Exchange batch manifests (docs/exchange-protocol.md §3): the source node signs the manifest,
// which names the SM3 of the body, so a target can check a batch end to end without trusting
// the center. Canonical JSON = keys sorted at every level, no whitespace, so both sides sign
// and verify the same bytes whatever order a JSON library writes.
import { sm2Sign, sm2Verify } from './sm2.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Deterministic JSON: object keys sorted by code point at every level; undefined members dropped. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value as Json));
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const key of Object.keys(value).sort()) {
      const v = value[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** SM2 signature (DER, base64) of the manifest's canonical JSON by the source node's key. */
export function signManifest(privateKeyPem: string, manifest: object): string {
  return sm2Sign(privateKeyPem, canonicalJson(manifest)).toString('base64');
}

/** True iff `signature` is the source node's SM2 signature of this manifest. */
export function verifyManifest(publicKey: string, manifest: object, signature: string): boolean {
  try {
    return sm2Verify(publicKey, canonicalJson(manifest), Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
