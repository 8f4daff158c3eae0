import { lazy } from 'react';
import { Route } from 'react-router-dom';
import type { PageGuard } from '../../routes';

const CatalogPage = lazy(() => import('./CatalogPage'));
const CatalogDetailPage = lazy(() => import('./CatalogDetailPage'));
const CatalogMinePage = lazy(() => import('./CatalogMinePage'));
const CatalogEditorPage = lazy(() => import('./CatalogEditorPage'));
const CatalogReviewPage = lazy(() => import('./CatalogReviewPage'));
const CatalogDutiesPage = lazy(() => import('./CatalogDutiesPage'));

/** The catalog feature's pages, as <Route> elements under the console layout. */
export function catalogRoutes(page: PageGuard) {
  return (
    <>
      <Route path="catalog" element={page('catalog.read', <CatalogPage />)} />
      <Route path="catalog/mine" element={page('catalog.manage', <CatalogMinePage />)} />
      <Route path="catalog/new" element={page('catalog.manage', <CatalogEditorPage key="new" />)} />
      <Route path="catalog/resources/:id" element={page('catalog.read', <CatalogDetailPage />)} />
      <Route path="catalog/resources/:id/edit" element={page('catalog.manage', <CatalogEditorPage />)} />
      <Route path="catalog/review" element={page('catalog.review', <CatalogReviewPage />)} />
      <Route path="catalog/duties" element={page('catalog.read', <CatalogDutiesPage />)} />
      {/* The link of an update-duty notice. */}
      <Route path="catalog/update-duties/:id" element={page('catalog.read', <CatalogDutiesPage />)} />
    </>
  );
}
