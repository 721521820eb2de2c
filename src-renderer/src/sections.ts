/** The app's sections, in the order of the officer's work. */
export interface Section {
  readonly name: string;
  readonly path: string;
  readonly title: string;
  readonly purpose: string;
}

export const sections: readonly Section[] = [
  {
    name: 'vault',
    path: '/vault',
    title: 'Vault',
    purpose: 'Where the store lives, whether it is locked, and the key ceremony that creates the root.',
  },
  {
    name: 'intermediate',
    path: '/intermediate',
    title: 'Intermediate',
    purpose: 'The issuing CA: created and signed by the root, or imported from a root kept elsewhere.',
  },
  {
    name: 'issue',
    path: '/issue',
    title: 'Issue',
    purpose: 'Server and client certificates, and certificate signing requests dropped onto the window.',
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
    purpose: 'Certificate revocation lists for the intermediate and the root.',
  },
  {
    name: 'exports',
    path: '/exports',
    title: 'Exports',
    purpose: 'Server bundles, the CA chain and the root trust kit, written to a folder you choose.',
  },
  {
    name: 'audit',
    path: '/audit',
    title: 'Audit',
    purpose: 'The tamper-evident journal of every operation, and its verification.',
  },
];
