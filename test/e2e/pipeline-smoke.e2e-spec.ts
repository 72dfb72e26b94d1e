import { appsWithMain, startPipeline, type Pipeline } from '../../scripts/pipeline/start-pipeline';

/**
 * `npm start` brings every service up, each answers on its port, and Ctrl-C stops them all.
 * The order flows themselves are driven by the other specs in this folder.
 */
describe('the pipeline as npm start runs it', () => {
  let pipeline: Pipeline;
  beforeAll(async () => (pipeline = await startPipeline()));
  afterAll(() => pipeline.stop());

  it('starts every service that exists', () => {
    expect(Object.keys(pipeline.urls)).toEqual(appsWithMain());
    expect(appsWithMain().length).toBeGreaterThan(0);
  });

  it('answers over HTTP on every service port', async () => {
    for (const [app, url] of Object.entries(pipeline.urls)) {
      const response = await fetch(`${url}/`);
      // Any HTTP answer proves the process is up and serving; no 5xx on a plain GET.
      expect({ app, ok: response.status < 500 }).toEqual({ app, ok: true });
    }
  });

  it('refuses an unsigned call to the key service', async () => {
    const response = await fetch(`${pipeline.urls.privacy}/keys/some-key`);
    expect(response.status).toBe(401);
  });
});
