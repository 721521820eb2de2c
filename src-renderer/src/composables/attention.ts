/** What each attention item of `lifecycleStatus` asks of the officer in the app, and where that is done. */
import type { AttentionItem } from '../../../shared/domain/authorities';
import { utc } from './format';

export interface AttentionView {
  /** One sentence about the item, in the app's words (the operation's own names CLI commands). */
  readonly sentence: string;
  /** Where the action is, and its label; null when it is not done in this app (a new root). */
  readonly go: { readonly label: string; readonly to: string | { path: string; query: Record<string, string> } } | null;
  /** Past due: shown as an error rather than a warning. */
  readonly urgent: boolean;
}

const PUBLISH = { label: 'Publish CRL', to: '/crls' } as const;
const ROTATE = { label: 'Rotate', to: '/intermediate' } as const;

/** `rootSerial` tells the root from an intermediate; `anyGeneration` whether a missing active one means rotating. */
export function attentionView(item: AttentionItem, rootSerial: string | null, anyGeneration: boolean): AttentionView {
  const due = utc(item.due);
  switch (item.kind) {
    case 'crl-overdue':
      return { sentence: `Its CRL expired on ${due}: clients refuse its certificates.`, go: PUBLISH, urgent: true };
    case 'crl-due':
      return { sentence: `Publish its next CRL before ${due}.`, go: PUBLISH, urgent: false };
    case 'crl-never-published':
      return {
        sentence: `It has ${item.serial === rootSerial ? 'signed intermediates' : 'issued certificates'}, yet its CRL was never published: clients cannot check them.`,
        go: PUBLISH,
        urgent: true,
      };
    case 'crl-schedule-obsolete':
      return {
        sentence: `The root revoked a CA on ${due}, after its CRL schedule was signed: discard the rest of that schedule and sign a new one.`,
        go: { label: 'Sign a new schedule', to: '/crls' },
        urgent: true,
      };
    case 'ca-expired':
    case 'ca-expiring': {
      const sentence = item.kind === 'ca-expired' ? `It expired on ${due}.` : `It expires on ${due}.`;
      return item.serial === rootSerial
        ? { sentence: `${sentence} Plan a new root and its roll-out to every trust store.`, go: null, urgent: true }
        : {
            sentence: `${sentence} Rotate to a new intermediate before then.`,
            go: ROTATE,
            urgent: item.kind === 'ca-expired',
          };
    }
    case 'certificate-expiring':
      return {
        sentence: `It expires on ${due}.`,
        go: { label: 'Renew', to: { path: '/certificates', query: { serial: item.serial ?? '' } } },
        urgent: false,
      };
    case 'no-active-intermediate':
      return {
        sentence: 'No intermediate is active: nothing can be issued.',
        go: anyGeneration ? ROTATE : { label: 'Create one', to: '/intermediate' },
        urgent: true,
      };
  }
}
