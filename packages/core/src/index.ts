// @fanz/core: pure TypeScript shared by the renderer, the Electron main process and the server.
// Nothing exported from here may use Node-only APIs; those live behind "@fanz/core/node".
export * from './errors';
export * from './encoding';
export * from './ids';
export * from './canonical-json';
export * from './currencies';
export * from './money';
export * from './signatures';
export * from './merkle';
export * from './tree-head';
export * from './device-ledger';
export * from './schemas/index';
export * from './catalog-doc';
export * from './webhook-verify';
export * from './semver-order';
export * from './hls-playlist';
export * from './vr/index';
export * from './forecast/index';
