// Inside the room: connects to the relay, then loads three.js (its own chunk) and draws the scene. Beside
// the scene: who is here (with mute/remove for the host), chat, on-screen movement buttons and leave. Every
// way the relay can close is said in words (close-text.ts). window.__vrRoom exposes what came over the
// relay (participants and their latest positions) for the end-to-end test and for debugging.
import { useEffect, useRef, useState, useSyncExternalStore, type FormEvent } from 'react';
import type { VrExperienceView, VrTicket } from '@fanz/core/vr';
import { explainClose } from './close-text';
import { RelayClient, relayUrl } from './relay-client';
import type { MoveKey, RoomScene } from './room-scene';

type Access = { kind: 'host'; accessToken: string } | { kind: 'guest'; ticket: VrTicket };

interface VrRoomHook {
  experienceId: string;
  state: string;
  you: { participantIndex: number; position: { x: number; y: number; z: number } } | null;
  participants: { participantIndex: number; displayName: string; role: string; muted: boolean; position: { x: number; y: number; z: number } | null }[];
}

declare global {
  interface Window {
    __vrRoom?: VrRoomHook;
  }
}

const MOVES: { key: MoveKey; label: string; symbol: string }[] = [
  { key: 'turnLeft', label: 'Turn left', symbol: '⟲' },
  { key: 'forward', label: 'Walk forward', symbol: '▲' },
  { key: 'turnRight', label: 'Turn right', symbol: '⟳' },
  { key: 'left', label: 'Step left', symbol: '◀' },
  { key: 'back', label: 'Walk back', symbol: '▼' },
  { key: 'right', label: 'Step right', symbol: '▶' },
];

function useClient(client: RelayClient) {
  const [, setTick] = useState(0);
  useEffect(() => client.subscribe(() => setTick((t) => t + 1)), [client]);
  return client;
}

export function RoomSession({ view, access, onLeave }: { view: VrExperienceView; access: Access; onLeave: () => void }) {
  const [attempt, setAttempt] = useState(0);
  const [client, setClient] = useState<RelayClient | null>(null);
  // The credentials are read when connecting only: a refreshed access token must not reconnect the host.
  const credentials = useRef(access);
  credentials.current = access;
  useEffect(() => {
    const a = credentials.current;
    const c = new RelayClient(relayUrl(view.experience_id, a.kind === 'host' ? { accessToken: a.accessToken } : { ticket: a.ticket.token }));
    setClient(c);
    return () => c.leave();
  }, [view.experience_id, attempt]);
  if (!client) return null;
  return <Connected key={attempt} client={client} view={view} isHost={access.kind === 'host'} onRetry={() => setAttempt((a) => a + 1)} onLeave={onLeave} />;
}

function Connected({ client, view, isHost, onRetry, onLeave }: { client: RelayClient; view: VrExperienceView; isHost: boolean; onRetry: () => void; onLeave: () => void }) {
  useClient(client);
  const stage = useRef<HTMLDivElement>(null);
  const [scene, setScene] = useState<RoomScene | null>(null);
  const [sceneProblem, setSceneProblem] = useState<string | null>(null);
  const [xr, setXr] = useState(false);
  const s = client.state;
  const you = s.phase === 'open' ? s.you : null;
  const youIndex = you?.participantIndex ?? null;

  // three.js is fetched once we are in (its own chunk), and the scene built around our seat.
  useEffect(() => {
    if (youIndex === null || !you || !stage.current) return;
    let disposed = false;
    let built: RoomScene | null = null;
    import('./room-scene').then(
      async ({ RoomScene }) => {
        if (disposed || !stage.current) return;
        built = new RoomScene(stage.current, view.environment.theme, client, you);
        setScene(built);
        setSceneProblem(built.webglProblem);
        const button = await built.xrEntry();
        if (button && !disposed) {
          stage.current?.appendChild(button);
          setXr(true);
        }
      },
      (err: unknown) => {
        // The loader's own text ("Failed to fetch dynamically imported module …") is for the console, not the fan.
        console.error('3D room failed to load', err);
        setSceneProblem('The 3D room could not be loaded. Check your connection and join again.');
      },
    );
    return () => {
      disposed = true;
      built?.dispose();
      setScene(null);
    };
    // Built once per connection: `you` is read when our participant index arrives, not on every roster change.
  }, [youIndex, client, view.environment.theme]);

  // A closed connection stops the scene at once (the stage leaves the page; nothing should keep drawing).
  useEffect(() => {
    if (s.phase === 'closed') scene?.dispose();
  }, [s.phase, scene]);

  useEffect(() => {
    window.__vrRoom = {
      experienceId: view.experience_id,
      get state() {
        return client.state.phase;
      },
      get you() {
        if (client.state.phase !== 'open' || !scene) return null;
        return { participantIndex: client.state.you.participantIndex, position: scene.localTransform().position };
      },
      get participants() {
        return [...client.participants.values()].map((p) => ({
          participantIndex: p.participantIndex,
          displayName: p.displayName,
          role: p.role,
          muted: p.muted,
          position: p.buffer.latest()?.position ?? null,
        }));
      },
    };
    return () => {
      delete window.__vrRoom;
    };
  }, [client, scene, view.experience_id]);

  if (s.phase === 'closed') {
    const why = explainClose(s.code);
    return (
      <div className="status error vr-closed" role="alert" data-testid="vr-closed" data-close-code={s.code}>
        <p>{why.text}</p>
        <div className="row">
          {why.canRetry && (
            <button type="button" className="button" onClick={onRetry} data-testid="vr-rejoin">
              Join again
            </button>
          )}
          <button type="button" onClick={onLeave}>
            Back to the meetup page
          </button>
        </div>
      </div>
    );
  }

  const people = [...client.participants.values()].sort((a, b) => a.participantIndex - b.participantIndex);
  return (
    <div className="vr-room" data-testid="vr-room" data-theme={view.environment.theme}>
      <div className="vr-stage-wrap">
        <div
          ref={stage}
          className="vr-stage"
          tabIndex={0}
          role="application"
          aria-label="The 3D room. Move with W A S D or the arrow keys, turn with Q and E, look around by dragging."
          aria-describedby="vr-help"
          data-testid="vr-stage"
        >
          {s.phase === 'connecting' && (
            <p className="status vr-overlay" role="status" data-testid="vr-connecting">
              <span className="spinner" aria-hidden="true" /> Connecting to the room…
            </p>
          )}
          {s.phase === 'open' && !scene && !sceneProblem && (
            <p className="status vr-overlay" role="status" data-testid="vr-loading-3d">
              <span className="spinner" aria-hidden="true" /> Loading the 3D room…
            </p>
          )}
        </div>
        {sceneProblem && (
          <p className="status error" role="alert" data-testid="vr-scene-problem">
            {sceneProblem}
          </p>
        )}
        <div className="vr-controls">
          <p id="vr-help" className="hint">
            Click the room, then move with W A S D or the arrow keys, turn with Q/E, and drag to look around. On a phone, drag to look
            and use the buttons to walk.{xr ? ' With a headset, choose “Enter VR”.' : ''}
          </p>
          <div className="vr-moves" role="group" aria-label="Movement">
            {MOVES.map((m) => (
              <button
                key={m.key}
                type="button"
                aria-label={m.label}
                title={m.label}
                disabled={!scene}
                onPointerDown={() => scene?.press(m.key, true)}
                onPointerUp={() => scene?.press(m.key, false)}
                onPointerLeave={() => scene?.press(m.key, false)}
                onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && scene?.press(m.key, true)}
                onKeyUp={(e) => (e.key === 'Enter' || e.key === ' ') && scene?.press(m.key, false)}
              >
                {m.symbol}
              </button>
            ))}
          </div>
        </div>
      </div>
      <aside className="vr-side">
        <section aria-labelledby="vr-people">
          <h2 id="vr-people">In the room ({people.length + (you ? 1 : 0)})</h2>
          <ul className="vr-people" data-testid="vr-people">
            {you && (
              <li>
                <span>
                  {you.displayName} (you{you.role === 'host' ? ', host' : ''}){you.muted ? ' · muted' : ''}
                </span>
              </li>
            )}
            {people.map((p) => (
              <li key={p.participantIndex} data-testid={`vr-person-${p.participantIndex}`}>
                <span>
                  {p.displayName}
                  {p.role === 'host' ? ' (host)' : ''}
                  {p.muted ? ' · muted' : ''}
                </span>
                {isHost && p.role === 'guest' && (
                  <span className="row">
                    <button type="button" className="small" onClick={() => client.mute(p.participantIndex, !p.muted)} data-testid={`vr-mute-${p.participantIndex}`}>
                      {p.muted ? 'Unmute' : 'Mute'} <span className="sr-only">{p.displayName}</span>
                    </button>
                    <button type="button" className="small danger" onClick={() => confirm(`Remove ${p.displayName} from the room? They cannot come back with this ticket.`) && client.remove(p.participantIndex)} data-testid={`vr-remove-${p.participantIndex}`}>
                      Remove <span className="sr-only">{p.displayName}</span>
                    </button>
                  </span>
                )}
              </li>
            ))}
            {people.length === 0 && s.phase === 'open' && <li className="hint">Nobody else is here yet.</li>}
          </ul>
        </section>
        <Chat client={client} disabled={s.phase !== 'open'} muted={you?.muted ?? false} />
        <button type="button" onClick={() => (client.leave(), onLeave())} data-testid="vr-leave">
          Leave the room
        </button>
      </aside>
    </div>
  );
}

function Chat({ client, disabled, muted }: { client: RelayClient; disabled: boolean; muted: boolean }) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const lines = useSyncExternalStore(
    (l) => client.subscribe(l),
    () => client.chat,
  );
  const log = useRef<HTMLOListElement>(null);
  useEffect(() => {
    log.current?.scrollTo({ top: log.current.scrollHeight });
  }, [lines]);
  function send(e: FormEvent) {
    e.preventDefault();
    const why = client.sendChat(text);
    setProblem(why);
    if (!why) setText('');
  }
  return (
    <section aria-labelledby="vr-chat" className="vr-chat">
      <h2 id="vr-chat">Chat</h2>
      <ol ref={log} className="vr-chat-log" aria-live="polite" data-testid="vr-chat-log">
        {lines.length === 0 && <li className="hint">No messages yet.</li>}
        {lines.map((l) => (
          <li key={l.key} className={l.system ? 'system' : undefined}>
            {l.system ? l.text : (
              <>
                <strong>{l.displayName}:</strong> {l.text}
              </>
            )}
          </li>
        ))}
      </ol>
      <form onSubmit={send} className="vr-chat-form">
        <label htmlFor="vr-chat-input" className="sr-only">
          Message
        </label>
        <input id="vr-chat-input" value={text} onChange={(e) => setText(e.target.value)} maxLength={500} disabled={disabled} placeholder={muted ? 'The host muted you' : 'Say something…'} data-testid="vr-chat-input" />
        <button type="submit" className="button small" disabled={disabled || muted}>
          Send
        </button>
      </form>
      {problem && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}
