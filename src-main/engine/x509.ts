/**
 * The one entry point to @peculiar/x509. Version 2 needs a Reflect polyfill
 * loaded before it (tsyringe), and a WebCrypto provider: Node's own.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

export const crypto: webcrypto.Crypto = webcrypto;
x509.cryptoProvider.set(webcrypto as never);

// WebCrypto's types live in Node's `webcrypto` namespace; main-side code has no DOM lib.
export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;
export type EcKeyGenParams = webcrypto.EcKeyGenParams;
export type RsaHashedKeyGenParams = webcrypto.RsaHashedKeyGenParams;
export type EcdsaParams = webcrypto.EcdsaParams;
export type RsaHashedImportParams = webcrypto.RsaHashedImportParams;
export type EcKeyAlgorithm = webcrypto.EcKeyAlgorithm;
export type RsaHashedKeyAlgorithm = webcrypto.RsaHashedKeyAlgorithm;
export type BufferSource = webcrypto.BufferSource;

export { x509 };
