// The server's ids are @fanz/core's typed, time-sortable ids (`<prefix>_<lowercase ULID>`); a new kind of id
// gets its prefix registered in core's ID_PREFIXES, so there is one scheme and prefixes cannot collide.
export { newId } from '@fanz/core';
