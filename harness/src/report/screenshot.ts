/**
 * Screenshots of a report page with Debian's headless Chromium driven by playwright-core (a
 * dev dependency, loaded only here). Never downloads a browser: it uses CHROMIUM_PATH or
 * /usr/bin/chromium, and throws when there is none. Used by the tests, and by hand:
 *
 *   npx tsx harness/src/report/screenshot.ts runs/x/latest/report.html page.png '#timeline=timeline.png'
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

export interface ScreenshotOptions {
  /** Only this element (CSS selector); default: the full page. */
  selector: string;
  /** More element shots of the same page: CSS selector -> PNG file. */
  more: Record<string, string>;
  /** Viewport width in px. Default 1300. */
  widthPx: number;
}

export interface ImageStats {
  width: number;
  height: number;
  /** Distinct colors among sampled pixels (a blank page has 1). */
  colors: number;
  /** Share of sampled pixels that differ from the most common color. */
  inkShare: number;
}

export interface ScreenshotResult {
  /** Of the (first) screenshot. */
  stats: ImageStats;
  /** Requests the page made for anything but its own file (must be none: the report is self-contained). */
  externalRequests: string[];
  /** Errors the page's script threw. */
  pageErrors: string[];
}

export async function screenshotReport(htmlFile: string, pngFile: string, options: Partial<ScreenshotOptions> = {}): Promise<ScreenshotResult> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);
  const { chromium } = await import("playwright-core");
  const profile = mkdtempSync(path.join(os.tmpdir(), "netsplit-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS, // the fresh user data dir is `profile`
    viewport: { width: options.widthPx ?? 1300, height: 900 },
  });
  const externalRequests: string[] = [];
  const pageErrors: string[] = [];
  let stats: ImageStats = { width: 0, height: 0, colors: 0, inkShare: 0 };
  try {
    const page = await context.newPage();
    const url = pathToFileURL(path.resolve(htmlFile)).href;
    page.on("request", (req) => {
      if (req.url() !== url && !req.url().startsWith("data:")) externalRequests.push(req.url());
    });
    page.on("pageerror", (err) => pageErrors.push(err.message));
    await page.goto(url, { waitUntil: "load" });
    if (options.selector) await page.locator(options.selector).screenshot({ path: pngFile });
    else await page.screenshot({ path: pngFile, fullPage: true });
    for (const [selector, file] of Object.entries(options.more ?? {})) await page.locator(selector).screenshot({ path: file });
    stats = await imageStats(await context.newPage(), readFileSync(pngFile));
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
  return { stats, externalRequests, pageErrors };
}

/** Measures a PNG in the browser: draws it on a canvas and samples every 7th pixel. */
async function imageStats(page: import("playwright-core").Page, png: Buffer): Promise<ImageStats> {
  await page.setContent(`<img id="i" src="data:image/png;base64,${png.toString("base64")}">`);
  // a string, so this file needs no DOM typings
  return page.evaluate(`(async () => {
    const img = document.getElementById("i");
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const g = canvas.getContext("2d");
    g.drawImage(img, 0, 0);
    const data = g.getImageData(0, 0, canvas.width, canvas.height).data;
    const counts = new Map();
    let n = 0;
    for (let i = 0; i < data.length; i += 4 * 7) {
      const key = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
      counts.set(key, (counts.get(key) || 0) + 1);
      n++;
    }
    let top = 0;
    for (const c of counts.values()) top = Math.max(top, c);
    return { width: canvas.width, height: canvas.height, colors: counts.size, inkShare: (n - top) / n };
  })()`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const [html, png, ...more] = process.argv.slice(2);
  if (!html || !png) {
    process.stderr.write("usage: screenshot.ts REPORT.html OUT.png [SELECTOR=OUT.png...]\n");
    process.exit(254);
  }
  const r = await screenshotReport(html, png, { more: Object.fromEntries(more.map((m) => m.split("=") as [string, string])) });
  process.stdout.write(`${png}: ${r.stats.width}x${r.stats.height}, ${r.stats.colors} colors, ${(r.stats.inkShare * 100).toFixed(1)}% ink${r.externalRequests.length ? `, external requests: ${r.externalRequests.join(", ")}` : ""}\n`);
}
