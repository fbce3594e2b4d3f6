// The frame of every screen: a skip link, the header (home, the fan's lists, sign in/out) and the main region.
import { useEffect, useRef, type ReactNode } from 'react';
import { Link, navigate } from '../lib/router';
import { logout } from '../lib/session';
import { useSession } from '../lib/use-session';

export function Layout({ title, children }: { title: string; children: ReactNode }) {
  const session = useSession();
  const main = useRef<HTMLElement>(null);
  useEffect(() => {
    document.title = `${title} · FANZ`;
  }, [title]);
  return (
    <>
      <a className="skip" href="#main" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        Skip to content
      </a>
      <header className="top">
        <Link href="/" className="brand" aria-label="FANZ home">
          FANZ
        </Link>
        <nav aria-label="Account">
          {session ? (
            <>
              <Link href="/me/purchases">My purchases</Link>
              <Link href="/me/subscriptions">My subscriptions</Link>
              <span className="who" data-testid="signed-in-as">
                @{session.user.username}
              </span>
              <button
                type="button"
                className="link"
                data-testid="sign-out"
                onClick={() => void logout().then(() => navigate('/'))}
              >
                Sign out
              </button>
            </>
          ) : (
            <>
              <Link href={`/signin?next=${encodeURIComponent(location.pathname)}`} data-testid="nav-sign-in">
                Sign in
              </Link>
              <Link href={`/signup?next=${encodeURIComponent(location.pathname)}`} className="button small">
                Sign up
              </Link>
            </>
          )}
        </nav>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
