/**
 * Copying a root key that was sealed in the store onto a token, with
 * C_CreateObject: the private key as a token object, CKA_SENSITIVE true and
 * CKA_EXTRACTABLE false (so it can never be read out again), and its public
 * half beside it under the same CKA_ID. SoftHSM accepts this; many hardware
 * tokens refuse to create private keys from values and need the vendor's
 * import tool (docs/tokens.md). The reverse — reading a key off a token — is
 * impossible by design.
 */
import { createPrivateKey } from 'node:crypto';
import type * as Graphene from 'graphene-pk11';
import { RootkeeperError, rejected } from '../../../shared/errors';
import { wipe } from '../../vault/secrets';
import { graphene, pkcs11Code, type OpenToken } from './pkcs11-token';

const CURVES: Readonly<Record<string, string>> = { 'P-256': 'secp256r1', 'P-384': 'secp384r1' };

/** Creates the key pair on the token from a PKCS#8; returns the objects made, for undoing. Needs a user login. */
export function importToToken(token: OpenToken, pkcs8: Buffer, keyIdHex: string): Graphene.SessionObject[] {
  const id = Buffer.from(keyIdHex, 'hex');
  if (token.session.find({ id }).length > 0) {
    throw rejected('exists', `Token ${token.info.serial} already holds an object with id ${keyIdHex}.`);
  }
  const jwk = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ format: 'jwk' });
  const parts = Object.fromEntries(
    Object.entries(jwk)
      .filter(([name]) => ['d', 'x', 'y', 'n', 'e', 'p', 'q', 'dp', 'dq', 'qi'].includes(name))
      .map(([name, value]) => [name, Buffer.from(value as string, 'base64url')]),
  ) as Record<string, Buffer>;
  const common = { token: true, id, label: 'Rootkeeper root' };
  const secret = {
    ...common,
    class: graphene().ObjectClass.PRIVATE_KEY,
    private: true,
    sign: true,
    sensitive: true,
    extractable: false,
  };
  const publicTemplate = { ...common, class: graphene().ObjectClass.PUBLIC_KEY, verify: true };
  const made: Graphene.SessionObject[] = [];
  try {
    if (jwk.kty === 'EC') {
      const curve = CURVES[jwk.crv ?? ''];
      if (!curve) throw rejected('unsupported-key', `A ${jwk.crv} root key cannot go onto a token here.`);
      const paramsEC = graphene().NamedCurve.getByName(curve).value;
      const point = Buffer.concat([Buffer.from([4]), parts.x!, parts.y!]);
      made.push(token.session.create({ ...secret, keyType: graphene().KeyType.EC, paramsEC, value: parts.d! }));
      made.push(
        token.session.create({
          ...publicTemplate,
          keyType: graphene().KeyType.EC,
          paramsEC,
          // CKA_EC_POINT is the DER OCTET STRING of the uncompressed point.
          pointEC: Buffer.concat([Buffer.from([0x04, point.length]), point]),
        }),
      );
    } else if (jwk.kty === 'RSA') {
      made.push(
        token.session.create({
          ...secret,
          keyType: graphene().KeyType.RSA,
          modulus: parts.n!,
          publicExponent: parts.e!,
          privateExponent: parts.d!,
          prime1: parts.p!,
          prime2: parts.q!,
          exp1: parts.dp!,
          exp2: parts.dq!,
          coefficient: parts.qi!,
        }),
      );
      made.push(
        token.session.create({
          ...publicTemplate,
          keyType: graphene().KeyType.RSA,
          modulus: parts.n!,
          publicExponent: parts.e!,
        }),
      );
    } else {
      throw rejected('unsupported-key', `A ${jwk.kty} root key cannot go onto a token.`);
    }
    return made;
  } catch (error) {
    destroyObjects(made);
    if (error instanceof RootkeeperError) throw error;
    throw rejected(
      'policy',
      `Token ${token.info.serial} refused to create the key from its value (${pkcs11Code(error) ?? 'refused'}): this token needs its vendor's import tool.`,
    );
  } finally {
    for (const value of Object.values(parts)) wipe(value);
  }
}

export function destroyObjects(objects: readonly Graphene.SessionObject[]): void {
  for (const object of objects) {
    try {
      object.destroy();
    } catch {
      // Already gone: nothing to undo.
    }
  }
}
