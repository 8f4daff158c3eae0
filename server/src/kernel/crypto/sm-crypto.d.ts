// Minimal typings for the parts of sm-crypto (a devDependency) used by the
// interoperability tests; the package ships none.
declare module 'sm-crypto' {
  interface SignOptions {
    der?: boolean;
    hash?: boolean;
    publicKey?: string;
    userId?: string;
  }
  const smCrypto: {
    sm2: {
      generateKeyPairHex(): { privateKey: string; publicKey: string };
      getPublicKeyFromPrivateKey(privateKey: string): string;
      doSignature(msg: string | Uint8Array | number[], privateKey: string, opts?: SignOptions): string;
      doVerifySignature(msg: string | Uint8Array | number[], signHex: string, publicKey: string, opts?: SignOptions): boolean;
    };
    sm3(input: string | Uint8Array | number[], opts?: { key: string | Uint8Array; mode?: 'hmac' }): string;
  };
  export default smCrypto;
}
