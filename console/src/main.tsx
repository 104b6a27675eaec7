import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app';
import { checkSession } from './app/session';
import { preloadPage } from './app/shell';
import { prefetchFor } from './queries';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// The session check, the page's chunk and the page's first read all start now, side by side,
// rather than one after the other as rendering reaches them.
const firstCheck = checkSession();
const { pathname } = window.location;
if (pathname !== '/login') {
  preloadPage(pathname);
  prefetchFor(pathname);
}

createRoot(root).render(
  <StrictMode>
    <App firstCheck={firstCheck} />
  </StrictMode>,
);
