-- The pid of the encoder a running job started, so that recovery after a crash can stop an ffmpeg that
-- outlived the process that started it (it would otherwise keep burning CPU on a discarded attempt).
ALTER TABLE jobs ADD COLUMN child_pid INTEGER;
