// The fans' web app: picks the screen for the current path.
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { ErrorBoundary } from './components/error-boundary';
import { Layout } from './components/layout';
import { Loading } from './components/status';
import { CreatorPage } from './pages/creator-page';
import { LandingPage } from './pages/landing';
import { MyPage } from './pages/my-lists';
import { PostView } from './pages/post-view';
import { SignInPage } from './pages/sign-in';
import { Link, match, useLocation } from './lib/router';
import './styles.css';

// The VR room (and three.js behind it) is its own chunk: the creator page's bundle does not carry it.
const RoomPage = lazy(() => import('./vr/room-page'));

function App() {
  const { path, search } = useLocation();
  let m: Record<string, string> | null;
  if (path === '/') return <LandingPage />;
  if (path === '/signin' || path === '/signup') return <SignInPage key={path} mode={path === '/signin' ? 'signin' : 'signup'} next={search.get('next')} />;
  if ((m = match('/c/:username', path))) return <CreatorPage key={m.username} username={m.username!} />;
  if ((m = match('/c/:username/post/:postId', path))) return <PostView key={m.postId} username={m.username!} postId={m.postId!} />;
  if ((m = match('/vr/:experienceId', path))) {
    return (
      <Suspense
        fallback={
          <Layout title="VR meetup">
            <Loading what="the meetup" />
          </Layout>
        }
      >
        <RoomPage key={m.experienceId} experienceId={m.experienceId!} />
      </Suspense>
    );
  }
  if (path === '/me/purchases') return <MyPage which="purchases" />;
  if (path === '/me/subscriptions') return <MyPage which="subscriptions" />;
  return (
    <Layout title="Not found">
      <h1>Page not found</h1>
      <p>
        There is nothing at {path}. <Link href="/">Go to the home page</Link>.
      </p>
    </Layout>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ErrorBoundary>
      <App />
    </ErrorBoundary>
  </StrictMode>,
);
