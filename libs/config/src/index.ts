export { ConfigError } from './config-error';
export { envFields } from './env-fields';
export { loadConfig, type Environment } from './load-config';
