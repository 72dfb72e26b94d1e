// The e2e tier starts every process and drives whole order flows.
jest.setTimeout(180_000);
