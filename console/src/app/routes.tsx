import {
  ApiOutlined,
  BranchesOutlined,
  DashboardOutlined,
  SettingOutlined,
  TagsOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { lazy, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';
import type { Role } from '../api-types';
import type { MessageKey } from '../i18n';

/** What a page gets from its route: the `:name` segments of its path. */
export interface PageProps {
  params: Record<string, string>;
}

type Loader = () => Promise<{ default: ComponentType<PageProps> }>;

interface PageRoute {
  pattern: string;
  /** The menu entry it belongs to. */
  nav: NavKey;
  load: Loader;
  page: LazyExoticComponent<ComponentType<PageProps>>;
}

export type NavKey = 'overview' | 'sources' | 'people' | 'tags' | 'segments' | 'journeys' | 'settings';

export interface NavItem {
  key: NavKey;
  path: string;
  label: MessageKey;
  icon: ReactNode;
  /** The least role that sees it: the same as the least role of the API routes the page needs. */
  role: Role;
}

export const NAV: readonly NavItem[] = [
  { key: 'overview', path: '/', label: 'nav.overview', icon: <DashboardOutlined />, role: 'viewer' },
  { key: 'sources', path: '/sources', label: 'nav.sources', icon: <ApiOutlined />, role: 'viewer' },
  { key: 'people', path: '/people', label: 'nav.people', icon: <UserOutlined />, role: 'analyst' },
  { key: 'tags', path: '/tags', label: 'nav.tags', icon: <TagsOutlined />, role: 'viewer' },
  { key: 'segments', path: '/segments', label: 'nav.segments', icon: <TeamOutlined />, role: 'viewer' },
  { key: 'journeys', path: '/journeys', label: 'nav.journeys', icon: <BranchesOutlined />, role: 'viewer' },
  { key: 'settings', path: '/settings', label: 'nav.settings', icon: <SettingOutlined />, role: 'admin' },
];

// One chunk per page (React.lazy), so the first load carries the shell and the page it opens only.
const route = (pattern: string, nav: NavKey, load: Loader): PageRoute => ({
  pattern,
  nav,
  load,
  page: lazy(load),
});

export const ROUTES: readonly PageRoute[] = [
  route('/', 'overview', () => import('../features/overview/overview-page')),
  route('/sources', 'sources', () => import('../features/sources/sources-page')),
  route('/people', 'people', () => import('../features/people/people-page')),
  route('/people/:id', 'people', () => import('../features/people/profile-page')),
  route('/tags', 'tags', () => import('../features/tags/tags-page')),
  route('/tags/:key', 'tags', () => import('../features/tags/tag-page')),
  route('/segments', 'segments', () => import('../features/segments/segments-page')),
  // `/segments/new` opens the builder on an empty condition; `:id` an existing segment.
  route('/segments/:id', 'segments', () => import('../features/segments/segment-page')),
  route('/journeys', 'journeys', () => import('../features/journeys/journeys-page')),
  // `/journeys/new?template=…` opens the canvas on a template; `:id` an existing journey.
  route('/journeys/:id', 'journeys', () => import('../features/journeys/journey-page')),
  route('/settings', 'settings', () => import('../features/settings/settings-page')),
];
