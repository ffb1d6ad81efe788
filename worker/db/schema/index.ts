export * from './crm';
export * from './email';
export * from './exports';
export * from './identity';
export * from './imports';
export * from './notifications';
export * from './system';
export * from './webhooks';
