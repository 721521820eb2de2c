import { ref, shallowReactive } from 'vue';
import type { RequestOf } from '../../../shared/contract';
import type { CertificateSummary } from '../../../shared/domain/certificates';
import { call } from '../api';

export const PAGE_SIZE = 200;

export type CertificateFilters = Omit<RequestOf<'listCertificates'>, 'offset' | 'limit'>;

/**
 * The certificate list, a page of 200 at a time, fetched as rows scroll into
 * view: a 100,000-certificate store never crosses IPC in one piece.
 */
export function useCertificatePages() {
  const total = ref<number | null>(null);
  const pages = shallowReactive(new Map<number, CertificateSummary[]>());
  const loading = new Set<number>();
  let filters: CertificateFilters = {};
  let generation = 0;

  async function fetchPage(page: number): Promise<void> {
    if (pages.has(page) || loading.has(page)) return;
    loading.add(page);
    const asked = generation;
    try {
      const result = await call('listCertificates', { ...filters, offset: page * PAGE_SIZE, limit: PAGE_SIZE });
      // A reply to an older search is dropped.
      if (asked !== generation) return;
      total.value = result.total;
      pages.set(page, result.certificates);
    } finally {
      loading.delete(page);
    }
  }

  /** New filters: forget every page and read the first again. */
  async function reset(next: CertificateFilters): Promise<void> {
    filters = next;
    generation++;
    pages.clear();
    loading.clear();
    total.value = null;
    await fetchPage(0);
  }

  function row(index: number): CertificateSummary | undefined {
    return pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  /** Makes sure the rows between `first` and `last` are loaded or on their way. */
  function want(first: number, last: number): void {
    for (let page = Math.floor(first / PAGE_SIZE); page <= Math.floor(last / PAGE_SIZE); page++) void fetchPage(page);
  }

  return { total, row, want, reset };
}
