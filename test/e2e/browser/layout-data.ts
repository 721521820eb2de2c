/**
 * Fixed answers for the layout tests: a store as an officer would have it a
 * year in, with the long names, serials and paths that used to break the
 * layout. Every value is checked against the contract by the dispatcher.
 */
import type { ResponseOf } from '../../../shared/contract';
import type { CertificateDetail, CertificateSummary } from '../../../shared/domain/certificates';
import type { ScriptedAnswers } from '../harness/scripted';

/** The pages' clock: the idle timer and "overdue" checks read it. */
export const NOW = new Date('2026-06-01T09:30:00.000Z');

/** Digits that look like a digest and are the same on every run: a small linear congruential generator. */
function digits(seed: number, count: number, radix: number): string[] {
  let state = seed * 2654435761;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return Math.floor((state / 2147483648) * radix).toString(16);
  });
}
const fingerprint = (seed: number, bytes = 32) =>
  digits(seed, bytes, 256)
    .map((byte) => byte.toUpperCase().padStart(2, '0'))
    .join(':');
const hex = (seed: number, length: number) => digits(seed, length, 16).join('');

function detail(subject: string, issuer: string, seed: number, notAfter: string, publicKey: string): CertificateDetail {
  return {
    version: 3,
    serial: hex(seed, 32),
    subject,
    issuer,
    notBefore: '2025-05-30T10:00:00.000Z',
    notAfter,
    publicKey,
    signatureAlgorithm: 'ecdsa-with-SHA384',
    extensions: [
      { oid: '2.5.29.19', name: 'basicConstraints', critical: true, value: 'CA:TRUE' },
      { oid: '2.5.29.15', name: 'keyUsage', critical: true, value: 'Certificate Sign, CRL Sign' },
    ],
    sha256: fingerprint(seed),
    sha1: fingerprint(seed + 1, 20),
    pem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  };
}

const ROOT = detail(
  'CN=Example Root CA, O=Example Ltd, C=GB',
  'CN=Example Root CA, O=Example Ltd, C=GB',
  1,
  '2046-05-30T10:00:00.000Z',
  'ECDSA P-384',
);
const INTERMEDIATE = detail(
  'CN=Example Issuing CA 1, O=Example Ltd, C=GB',
  ROOT.subject,
  2,
  '2031-05-29T10:00:00.000Z',
  'ECDSA P-384',
);

const OVERVIEW: ResponseOf<'overview'> = {
  root: ROOT,
  intermediate: {
    detail: {
      ...INTERMEDIATE,
      extensions: [
        ...INTERMEDIATE.extensions,
        {
          oid: '2.5.29.31',
          name: 'cRLDistributionPoints',
          critical: false,
          value: 'http://pki.example.com/crl/example-root-ca.crl',
        },
      ],
    },
    origin: 'issued',
  },
  pendingRequest: null,
  crls: {
    root: { lastNumber: 1, thisUpdate: '2026-01-10T08:00:00.000Z', nextUpdate: '2027-01-10T08:00:00.000Z' },
    intermediate: { lastNumber: 14, thisUpdate: '2026-05-20T08:00:00.000Z', nextUpdate: '2026-06-19T08:00:00.000Z' },
  },
  counts: { total: 1284, valid: 1201, expiring: 37, expired: 22, revoked: 24 },
  head: { sequence: 4127, chainHash: hex(9, 64) },
};

const HOSTS = [
  'app.example.com',
  'api.payments.internal.example.com',
  'grafana-observability-eu-west-2.monitoring.example.com',
  'vpn.example.com',
  'mail.example.com',
  'k8s-ingress-controller-0.cluster-a.prod.example.com',
  'intranet.example.com',
  'build-agent-17.ci.example.com',
  'ldap.example.com',
  'wiki.example.com',
  'registry.containers.example.com',
  'sso.example.com',
];
const STATUSES = [
  'valid',
  'valid',
  'expiring',
  'valid',
  'revoked',
  'valid',
  'expired',
  'valid',
  'valid',
  'valid',
  'valid',
  'valid',
] as const;

export const CERTIFICATES: CertificateSummary[] = HOSTS.map((host, index) => ({
  serial: hex(index + 20, index % 3 === 0 ? 32 : 31),
  profile: 'server',
  subject: `CN=${host}`,
  sans: [
    { type: 'dns', value: host },
    ...(index % 2 === 0 ? [{ type: 'dns' as const, value: `www.${host}` }] : []),
    ...(index % 4 === 1 ? [{ type: 'ip' as const, value: `192.0.2.${10 + index}` }] : []),
  ],
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter: `2027-0${(index % 9) + 1}-15T00:00:00.000Z`,
  issuedAt: '2026-01-01T00:00:00.000Z',
  status: STATUSES[index]!,
  revocationReason: STATUSES[index] === 'revoked' ? 'keyCompromise' : null,
  revokedAt: STATUSES[index] === 'revoked' ? '2026-03-02T00:00:00.000Z' : null,
}));

const KIT_FOLDER = '/media/officer/USB-STICK-2/rootkeeper-exports/trust-kit-2026-06-01';
const KIT: ResponseOf<'exportRoot'> = {
  folder: KIT_FOLDER,
  files: [
    'README.txt',
    'root-ca.crt',
    'root-ca.der',
    'root-ca.p7b',
    'firefox/policies.json',
    'macos/Example-Root-CA-trust-profile.mobileconfig',
    'windows/install-root.cmd',
    'windows/install-root.ps1',
    'linux/install-root.sh',
    'java/truststore.p12',
  ].map((name, index) => ({ name, sha256: hex(index + 40, 64), bytes: 600 + index * 317 })),
};

/** Two generations: the active one, and the one it replaced, retired a year ago. */
const GENERATIONS: ResponseOf<'listIntermediates'> = {
  intermediates: [
    {
      serial: hex(3, 32),
      subject: 'CN=Example Issuing CA 0, O=Example Ltd, C=GB',
      key: 'ECDSA P-256',
      notBefore: '2023-05-30T10:00:00.000Z',
      notAfter: '2026-08-29T10:00:00.000Z',
      status: 'retired',
      origin: 'issued',
      issued: 310,
      crlNumber: 41,
      nextUpdate: '2026-06-09T08:00:00.000Z',
      issuedCrlUrl: null,
      issuedAiaUrl: null,
      revokedAt: null,
    },
    {
      serial: INTERMEDIATE.serial,
      subject: INTERMEDIATE.subject,
      key: INTERMEDIATE.publicKey,
      notBefore: INTERMEDIATE.notBefore,
      notAfter: INTERMEDIATE.notAfter,
      status: 'active',
      origin: 'issued',
      issued: 974,
      crlNumber: 14,
      nextUpdate: OVERVIEW.crls.intermediate.nextUpdate,
      issuedCrlUrl: 'http://pki.example.com/crl/example-issuing-ca-1.crl',
      issuedAiaUrl: 'http://pki.example.com/ca/example-issuing-ca-1.cer',
      revokedAt: null,
    },
  ],
};

const LIFECYCLE: ResponseOf<'lifecycleStatus'> = {
  withinDays: 30,
  cas: [
    {
      role: 'root',
      serial: ROOT.serial,
      subject: ROOT.subject,
      status: 'root',
      notAfter: ROOT.notAfter,
      crlNumber: 1,
      nextUpdate: OVERVIEW.crls.root.nextUpdate,
    },
    ...GENERATIONS.intermediates.map((generation) => ({
      role: 'intermediate' as const,
      serial: generation.serial,
      subject: generation.subject,
      status: generation.status,
      notAfter: generation.notAfter,
      crlNumber: generation.crlNumber,
      nextUpdate: generation.nextUpdate,
    })),
  ],
  attention: [
    {
      kind: 'crl-due',
      subject: GENERATIONS.intermediates[0]!.subject,
      serial: GENERATIONS.intermediates[0]!.serial,
      due: '2026-06-09T08:00:00.000Z',
      action: 'Publish its next CRL before 2026-06-09T08:00:00.000Z (crl --out DIR).',
    },
    {
      kind: 'certificate-expiring',
      subject: `CN=${HOSTS[2]}`,
      serial: CERTIFICATES[2]!.serial,
      due: '2026-06-15T00:00:00.000Z',
      action: `It expires on 2026-06-15T00:00:00.000Z: renew it (renew ${CERTIFICATES[2]!.serial}).`,
    },
    {
      kind: 'crl-due',
      subject: INTERMEDIATE.subject,
      serial: INTERMEDIATE.serial,
      due: OVERVIEW.crls.intermediate.nextUpdate,
      action: `Publish its next CRL before ${OVERVIEW.crls.intermediate.nextUpdate} (crl --out DIR).`,
    },
  ],
};

export const ANSWERS: ScriptedAnswers = {
  appStatus: () => ({
    version: '0.1.0',
    store: { location: '/media/officer/USB-STICK-1/rootkeeper-store', state: 'initialized' },
    session: { locked: false, locksAt: new Date(NOW.getTime() + 5 * 60_000).toISOString() },
  }),
  overview: () => OVERVIEW,
  listIntermediates: () => GENERATIONS,
  lifecycleStatus: () => LIFECYCLE,
  custodyStatus: () => ({
    mode: 'shares',
    threshold: 2,
    total: 3,
    setId: 'a1b2c3d4e5f60718',
    sharesMadeAt: '2026-11-20T09:30:00.000Z',
    custodians: [
      { index: 1, name: 'Ada Lovelace', pin: false },
      { index: 2, name: 'Alan Turing', pin: true },
      { index: 3, name: 'Грейс Хоппер', pin: false },
    ],
  }),
  ceremonyRecords: () => ({
    records: [
      {
        sequence: 41,
        at: '2026-11-27T10:05:00.000Z',
        operation: 'root-crl',
        file: 'ceremony-2026-11-27T10-04-12Z-root-crl.json',
        sha256: hex(7, 64),
        kept: true,
      },
    ],
  }),
  listCertificates: (request) => {
    const offset = request.offset ?? 0;
    return { certificates: CERTIFICATES.slice(offset, offset + (request.limit ?? 200)), total: CERTIFICATES.length };
  },
  choosePath: () => ({ choice: { destination: 'handle-1', label: KIT_FOLDER } }),
  exportRoot: () => KIT,
};
