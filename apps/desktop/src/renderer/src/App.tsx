// The studio's shell: navigation, the always-visible sync status, and the current screen.
import { useEffect } from 'react';
import { useStudio, type Screen } from './store';
import { SyncStatusBar } from './SyncStatusBar';
import { SignIn } from './SignIn';
import { LibraryScreen } from './LibraryScreen';
import { JobsScreen } from './JobsScreen';
import { PostsScreen } from './PostsScreen';
import { ScheduleScreen } from './ScheduleScreen';
import { EarningsScreen } from './EarningsScreen';
import { InsightsScreen } from './InsightsScreen';
import { MeetupsScreen } from './MeetupsScreen';

const SCREENS: Array<{ id: Screen; label: string }> = [
  { id: 'library', label: 'Library' },
  { id: 'jobs', label: 'Jobs' },
  { id: 'posts', label: 'Posts' },
  { id: 'schedule', label: 'Schedule' },
  { id: 'earnings', label: 'Earnings' },
  { id: 'insights', label: 'Insights' },
  { id: 'meetups', label: 'Meetups' },
  { id: 'account', label: 'Account' },
];

export function App() {
  const { init, fatal, screen, setScreen, session, host, jobs } = useStudio();
  useEffect(() => init(), [init]);
  if (fatal) return <div className="fatal" role="alert">{fatal}</div>;
  const active = jobs.filter((j) => j.state === 'running' || j.state === 'queued').length;
  // Drafts can be written before signing in (they stay on this computer); the calendar and earnings need the account.
  const needsAccount = session !== null && !session.signedIn && (screen === 'schedule' || screen === 'earnings');
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">FANZ Studio</span>
        <nav>
          {SCREENS.map((s) => (
            <button
              key={s.id}
              data-testid={`nav-${s.id}`}
              className={screen === s.id ? 'active' : ''}
              onClick={() => setScreen(s.id)}
            >
              {s.label}
              {s.id === 'jobs' && active > 0 ? <span className="badge">{active}</span> : null}
            </button>
          ))}
        </nav>
        <SyncStatusBar />
      </header>
      {host === 'closed' ? <div className="banner warn">Reconnecting to the studio host…</div> : null}
      <main>
        {screen === 'account' || needsAccount ? (
          <SignIn />
        ) : screen === 'library' ? (
          <LibraryScreen />
        ) : screen === 'jobs' ? (
          <JobsScreen />
        ) : screen === 'posts' ? (
          <PostsScreen />
        ) : screen === 'schedule' ? (
          <ScheduleScreen />
        ) : screen === 'insights' ? (
          <InsightsScreen />
        ) : screen === 'meetups' ? (
          <MeetupsScreen />
        ) : (
          <EarningsScreen />
        )}
      </main>
    </div>
  );
}
