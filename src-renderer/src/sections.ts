/** The app's sections once the store is unlocked, in the order of the officer's work. */
export interface Section {
  readonly name: string;
  readonly path: string;
  readonly title: string;
  readonly purpose: string;
}

export const sections: readonly Section[] = [
  {
    name: 'overview',
    path: '/overview',
    title: 'Overview',
    purpose: 'The root, the intermediate, what was issued, and when the CRLs are due.',
  },
  {
    name: 'intermediate',
    path: '/intermediate',
    title: 'Intermediate',
    purpose:
      'The issuing CAs over the years: created, rotated and revoked with the root here, or requested from a root elsewhere.',
  },
  {
    name: 'issue',
    path: '/issue',
    title: 'Issue',
    purpose: 'Server and client certificates with a key made here, or from requests dropped onto the window.',
  },
  {
    name: 'certificates',
    path: '/certificates',
    title: 'Certificates',
    purpose: 'Everything issued: status, details, renewal and revocation.',
  },
  {
    name: 'crls',
    path: '/crls',
    title: 'CRLs',
    purpose: "Each CA's certificate revocation list, and the root's signed ahead.",
  },
  {
    name: 'exports',
    path: '/exports',
    title: 'Exports',
    purpose: 'The root trust kit, the CA chain and server bundles, written to a folder you choose.',
  },
  {
    name: 'custody',
    path: '/custody',
    title: 'Custody',
    purpose: "Who holds the root: its custodians' shares, checked, split and issued anew.",
  },
  {
    name: 'audit',
    path: '/audit',
    title: 'Audit',
    purpose: 'The tamper-evident journal of every operation, and its verification.',
  },
  {
    name: 'backup',
    path: '/backup',
    title: 'Backup',
    purpose: 'Encrypted backups of the store, and the two passphrases.',
  },
];
