export { sm3, sm3Hex, hmacSm3, sm3Kdf, type BytesLike } from './sm3.ts';
export { Sm3Tap, BODY_CHUNK_BYTES } from './sm3-tap.ts';
export {
  generateSm2KeyPair,
  parseSm2PublicKey,
  sm2PublicKeyHex,
  sm2PublicKeyToPem,
  sm2KeyFingerprint,
  sm2Sign,
  sm2Verify,
  SM2_DEFAULT_USER_ID,
  type Sm2Options,
  type Sm2Point,
} from './sm2.ts';
export { sm4Seal, sm4Open } from './sm4.ts';
export { merkleRoot, leafHash, nodeHash } from './merkle.ts';
export {
  hashPassword,
  verifyPassword,
  passwordPolicyErrors,
  PASSWORD_MIN_LENGTH,
  PASSWORD_MAX_LENGTH,
  type PolicyError,
} from './password.ts';
export {
  signingString,
  signRequest,
  verifyRequestSignature,
  readSignatureHeaders,
  MAX_CLOCK_SKEW_MS,
  NONCE_PATTERN,
  HEADER_CLIENT_ID,
  HEADER_TIMESTAMP,
  HEADER_NONCE,
  HEADER_SIGNATURE,
  HEADER_CONTENT_SM3,
  SM3_HEX_PATTERN,
  type SigningParts,
  type SignedHeaders,
  type HeaderBag,
} from './request-signing.ts';
export { canonicalJson, signManifest, verifyManifest } from './batch-signing.ts';
