-- Which version of each creator catalog document the VR catalog import has read (vr/catalog-import.ts),
-- so a document is read again only after it was written.
CREATE TABLE vr_catalog_docs (
  doc_name text PRIMARY KEY,
  indexed_doc_seq bigint NOT NULL
);
