export * from './crm';
export * from './email';
export * from './identity';
export * from './imports';
export * from './system';
