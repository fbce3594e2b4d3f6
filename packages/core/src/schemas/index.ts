export * from './common';
export * from './accounts';
export * from './content';
export * from './payments';
export * from './webhooks';
