// Errors of the scoring service: each has a code a caller (CLI, job queue, UI) can branch on. None is
// transient: the same file fails the same way again.
export type ScoringErrorCode =
  | 'SOURCE_MISSING'
  | 'SOURCE_EMPTY'
  | 'IMAGE_TOO_LARGE'
  | 'IMAGE_TOO_SMALL'
  | 'CORRUPT_MEDIA'
  | 'NO_VIDEO_STREAM'
  | 'NO_FRAMES';

export class ScoringError extends Error {
  readonly transient = false;
  constructor(
    readonly code: ScoringErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ScoringError';
  }
}
