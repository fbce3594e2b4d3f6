// Ids for library rows and jobs come from @fanz/core (prefixed, time-sortable ULIDs: `med_…`, `rnd_…`,
// `job_…`), so the desktop and the server agree on their shape.
export { newId } from '@fanz/core';
