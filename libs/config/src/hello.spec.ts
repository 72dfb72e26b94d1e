import { hello } from '#lumen/config';
describe('smoke', () => {
  it('works', () => {
    expect(hello()).toBe('hi');
  });
});
