import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';
import { sections } from './sections';
import SectionView from './views/SectionView.vue';
import VaultView from './views/VaultView.vue';

const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/vault' },
  ...sections.map((section): RouteRecordRaw => ({
    path: section.path,
    name: section.name,
    component: section.name === 'vault' ? VaultView : SectionView,
    props: { section },
  })),
  { path: '/:unknown(.*)*', redirect: '/vault' },
];

/** Hash history: the app is a set of static files, with no server to answer deep links. */
export function createAppRouter() {
  return createRouter({ history: createWebHashHistory(), routes });
}
