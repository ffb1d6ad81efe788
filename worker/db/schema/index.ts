export * from './crm';
export * from './identity';
export * from './imports';
export * from './system';
export * from './webhooks';
