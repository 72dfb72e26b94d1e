// Integration specs talk to a real broker and database; a consumer group join alone can
// take seconds on a busy 2-core machine. (Jest ignores `testTimeout` inside projects.)
jest.setTimeout(60_000);
