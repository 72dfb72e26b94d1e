export {
  assertIdentifier,
  createDataSource,
  migrate,
  type DatabaseOptions,
} from './create-data-source';
export { isTransientDatabaseError } from './is-transient-database-error';
