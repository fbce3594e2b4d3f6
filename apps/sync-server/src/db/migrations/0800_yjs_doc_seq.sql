-- Multi-instance sync (issue 16): every update gets a gap-free sequence number per document, so an
-- instance that sees seq 7 after seq 5 knows it missed one and reads it back from here.
-- head_seq is the highest doc_seq handed out; its row lock serialises appends to one document across
-- instances. The global seq column stays the change cursor the scheduler and catalog readers use.
ALTER TABLE yjs_documents ADD COLUMN head_seq bigint NOT NULL DEFAULT 0;
-- highest doc_seq folded into snapshot (snapshot_seq keeps meaning the global seq, as before)
ALTER TABLE yjs_documents ADD COLUMN snapshot_doc_seq bigint NOT NULL DEFAULT 0;
ALTER TABLE yjs_updates ADD COLUMN doc_seq bigint;
UPDATE yjs_updates u SET doc_seq = r.n
  FROM (SELECT seq, row_number() OVER (PARTITION BY doc_name ORDER BY seq) AS n FROM yjs_updates) r
  WHERE u.seq = r.seq;
INSERT INTO yjs_documents (name) SELECT DISTINCT doc_name FROM yjs_updates ON CONFLICT (name) DO NOTHING;
UPDATE yjs_documents d SET head_seq = COALESCE((SELECT max(u.doc_seq) FROM yjs_updates u WHERE u.doc_name = d.name), 0);
ALTER TABLE yjs_updates ALTER COLUMN doc_seq SET NOT NULL;
CREATE UNIQUE INDEX yjs_updates_doc_seq ON yjs_updates (doc_name, doc_seq);
