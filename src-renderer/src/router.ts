import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';
import { sections } from './sections';
import AuditView from './views/AuditView.vue';
import BackupView from './views/BackupView.vue';
import CertificatesView from './views/CertificatesView.vue';
import CrlsView from './views/CrlsView.vue';
import CustodyView from './views/CustodyView.vue';
import ExportsView from './views/ExportsView.vue';
import IntermediateView from './views/IntermediateView.vue';
import IssueView from './views/IssueView.vue';
import OverviewView from './views/OverviewView.vue';

const VIEWS = {
  overview: OverviewView,
  intermediate: IntermediateView,
  issue: IssueView,
  certificates: CertificatesView,
  crls: CrlsView,
  exports: ExportsView,
  custody: CustodyView,
  audit: AuditView,
  backup: BackupView,
} as const;

const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/overview' },
  ...sections.map((section): RouteRecordRaw => ({
    path: section.path,
    name: section.name,
    component: VIEWS[section.name as keyof typeof VIEWS],
    props: { section },
  })),
  { path: '/:unknown(.*)*', redirect: '/overview' },
];

/** Hash history: the app is a set of static files, with no server to answer deep links. */
export function createAppRouter() {
  return createRouter({ history: createWebHashHistory(), routes });
}
