export * from './crm';
export * from './identity';
export * from './system';
