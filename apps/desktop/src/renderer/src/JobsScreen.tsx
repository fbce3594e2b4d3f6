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
  const { jobs: all, client, refreshJobs, openLibraryItem, jobsClearedAt, clearFinishedJobs } = useStudio();
  const finished = (j: (typeof all)[number]) => j.state === 'done' || j.state === 'cancelled';
  const jobs = all.filter((j) => !(finished(j) && (j.finishedAt ?? j.createdAt) <= jobsClearedAt));
  const hidden = all.length - jobs.length;
  return (
    <section className="panel" data-testid="jobs">
      <div className="row">
        <h2>Jobs</h2>
        <button type="button" disabled={!jobs.some(finished)} onClick={clearFinishedJobs} data-testid="jobs-clear">
          Clear finished
        </button>
        {hidden > 0 ? <span className="muted small" data-testid="jobs-hidden">{hidden} finished {hidden === 1 ? 'job' : 'jobs'} cleared from this list</span> : null}
      </div>
      {jobs.length === 0 ? <p className="muted">No jobs. Importing media queues its processing here; publishing or scheduling a post queues its upload.</p> : null}
      <table className="jobs">
        <tbody>
          {jobs.map((j) => (
            <tr key={j.id} data-testid="job-row" data-state={j.state}>
              <td>
                {j.itemId && j.itemTitle ? (
                  <button type="button" className="link job-link" onClick={() => openLibraryItem(j.itemId)} data-testid="job-text" title="Open it in the library">
                    {describeJob(j)}
                  </button>
                ) : (
                  <span data-testid="job-text">{describeJob(j)}</span>
                )}
              </td>
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
