export * from './identity';
export * from './system';
