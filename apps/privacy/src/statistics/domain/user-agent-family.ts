export type BrowserFamily =
  'Edge' | 'Opera' | 'Samsung Internet' | 'Firefox' | 'Chrome' | 'Safari' | 'Bot' | 'Other';
export type OsFamily = 'Windows' | 'iOS' | 'macOS' | 'Android' | 'ChromeOS' | 'Linux' | 'Other';

// Order matters: Edge and Opera say "Chrome", Chrome says "Safari".
const BROWSERS: readonly [RegExp, BrowserFamily][] = [
  [/bot|crawler|spider|crawling|headless/i, 'Bot'],
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\bOPR\/|\bOpera\b/, 'Opera'],
  [/SamsungBrowser\//, 'Samsung Internet'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\bChrome\/|\bCriOS\/|\bChromium\//, 'Chrome'],
  [/\bSafari\//, 'Safari'],
];

const SYSTEMS: readonly [RegExp, OsFamily][] = [
  [/Windows/, 'Windows'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Android/, 'Android'],
  [/CrOS/, 'ChromeOS'],
  [/Linux|X11/, 'Linux'],
];

/**
 * A user agent reduced to browser family and OS family, with no versions: the full string
 * (versions, device model, build numbers) narrows a visitor down far more than two words do.
 */
export function userAgentFamily(userAgent: string | undefined): {
  browser: BrowserFamily;
  os: OsFamily;
} {
  const ua = (userAgent ?? '').slice(0, 512);
  const browser = BROWSERS.find(([pattern]) => pattern.test(ua))?.[1] ?? 'Other';
  const os = SYSTEMS.find(([pattern]) => pattern.test(ua))?.[1] ?? 'Other';
  return { browser, os };
}
