import { useStudio } from './store';
import { humanMessage } from './errors';
import { describeJob } from './job-text';
import { formatWhen } from './time-text';

function eta(s: number | null): string {
  if (s === null) return '';
  if (s < 60) return `${Math.round(s)} s left`;
  return `${Math.round(s / 60)} min left`;
}

export function JobsScreen() {
  const { jobs, client, refreshJobs } = useStudio();
  return (
    <section className="panel" data-testid="jobs">
      <h2>Jobs</h2>
      {jobs.length === 0 ? <p className="muted">No jobs. Importing media queues its processing here; publishing or scheduling a post queues its upload.</p> : null}
      <table className="jobs">
        <tbody>
          {jobs.map((j) => (
            <tr key={j.id} data-testid="job-row" data-state={j.state}>
              <td data-testid="job-text">{describeJob(j)}</td>
              <td className="muted small">{formatWhen(j.finishedAt ?? j.createdAt)}</td>
              <td className="progress-cell">
                <progress max={100} value={j.state === 'done' ? 100 : j.progress} aria-label={describeJob(j)} />
                <span className="muted">{j.state === 'running' ? `${Math.round(j.progress)}% ${eta(j.etaS)}` : { queued: 'Waiting', done: 'Done', failed: 'Failed', cancelled: 'Cancelled', running: '' }[j.state]}</span>
                {j.error && j.state !== 'done' ? <div className="error">{humanMessage(j.error)}</div> : null}
              </td>
              <td>
                {j.state === 'queued' || j.state === 'running' ? (
                  <button aria-label={`Cancel: ${describeJob(j)}`} onClick={() => void client?.api.jobCancel({ id: j.id }).then(refreshJobs)}>Cancel</button>
                ) : null}
                {j.state === 'failed' || j.state === 'cancelled' ? (
                  <button aria-label={`Retry: ${describeJob(j)}`} onClick={() => void client?.api.jobRetry({ id: j.id }).then(refreshJobs)}>Retry</button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
