import { discardInjectedRecords } from './injected-records';

// Runs after every integration spec; does nothing unless the spec planted records on the broker.
afterAll(() => discardInjectedRecords());
