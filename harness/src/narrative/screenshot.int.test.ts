/**
 * The narrative as a person sees it: the committed history of a real global-name-conflict run
 * (testdata/runs/, OTP 25) is turned into report.html by `netsplit report`, and rendered in
 * Debian's headless Chromium (playwright-core, as report/screenshot.ts does). The "What happened"
 * section is visible in the first screen without scrolling, opens with the partition, names the
 * conflict global resolved, and its line links to a diamond drawn on a node's strip of the
 * timeline; clicking the line's time brings that diamond into view. The PNGs stay in the test's
 * temp dir (NETSPLIT_KEEP_SCREENSHOT=DIR copies them there). Skipped, with the reason, where
 * there is no Chromium.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../cli/main.js";
import { EXIT } from "../cli/io.js";
import { CHROMIUM, CHROMIUM_ARGS } from "../report/screenshot.js";

const FIXTURE = path.join(import.meta.dirname, "testdata", "runs", "global-name-conflict");
const noChromium = existsSync(CHROMIUM) ? null : `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
if (noChromium) process.stderr.write(`narrative/screenshot.int.test.ts: SKIPPED: ${noChromium}\n`);

const tmp = mkdtempSync(path.join(os.tmpdir(), "netsplit-narrative-shot-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const WIDTH = 1300;
const HEIGHT = 900;

interface Box { x: number; y: number; width: number; height: number }

describe.skipIf(noChromium !== null)(`the narrative in headless Chromium${noChromium ? ` (skipped: ${noChromium})` : ` (${CHROMIUM})`}`, () => {
  it("opens the page above the fold, names the conflict, and its line links to a diamond on a node strip", async () => {
    const runDir = path.join(tmp, "global-name-conflict");
    cpSync(FIXTURE, runDir, { recursive: true });
    let out = "";
    const code = await runCli(["report", runDir], { out: (s) => (out += s), err: (s) => (out += s) });
    expect(code, out).toBe(EXIT.pass);
    const html = path.join(runDir, "report.html");
    expect(statSync(html).size).toBeGreaterThan(0);

    const { chromium } = await import("playwright-core");
    const profile = mkdtempSync(path.join(tmp, "chromium-"));
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: WIDTH, height: HEIGHT } });
    const pageErrors: string[] = [];
    const external: string[] = [];
    const pngs = { fold: path.join(tmp, "narrative-fold.png"), full: path.join(tmp, "narrative-full.png"), section: path.join(tmp, "narrative-section.png"), target: path.join(tmp, "narrative-target.png") };
    try {
      const page = await context.newPage();
      const url = pathToFileURL(html).href;
      page.on("pageerror", (e) => pageErrors.push(e.message));
      page.on("request", (r) => { if (!r.url().startsWith(url) && !r.url().startsWith("data:")) external.push(r.url()); });
      await page.goto(url, { waitUntil: "load" });
      await page.screenshot({ path: pngs.fold }); // the first screen, as opened
      await page.screenshot({ path: pngs.full, fullPage: true });
      await page.locator("#narrative").screenshot({ path: pngs.section });

      // above the fold: the heading and the first lines lie inside the first screen, and are drawn
      const section = page.locator("#narrative");
      await expect.poll(() => section.isVisible()).toBe(true);
      const heading = (await section.locator("h2").boundingBox())!;
      expect(heading.y + heading.height).toBeLessThan(HEIGHT);
      const lines = section.locator("li.nl");
      const texts = (await lines.allInnerTexts()).map((t) => t.replace(/\s+/g, " ").trim());
      console.log(texts.join("\n"));
      expect(texts.length).toBeGreaterThanOrEqual(3);
      expect(texts[0]).toMatch(/^\+\d+(\.\d+)? m?s cut n1,n2 \| n3|^\+[\d.]+ m?s .*(cut|partition)/);
      const conflict = lines.filter({ hasText: 'global resolved a conflict on "solo"' }).first();
      expect(await conflict.innerText()).toMatch(/global resolved a conflict on "solo": kept n1's pid, killed n3's/);
      const conflictBox = (await conflict.boundingBox())!;
      expect(conflictBox.y + conflictBox.height, "the conflict line lies in the first screen").toBeLessThan(HEIGHT);
      expect(conflictBox.width).toBeGreaterThan(200);
      const firstBox = (await lines.first().boundingBox())!;
      expect(firstBox.y).toBeLessThan(HEIGHT / 2);
      // readable: a real text size and a dark colour on a light background
      const conflictId = (await conflict.getAttribute("id"))!;
      const style = await page.evaluate<{ size: number; color: string; bg: string }>(`(() => { const s = getComputedStyle(document.getElementById(${JSON.stringify(conflictId)})); return { size: parseFloat(s.fontSize), color: s.color, bg: getComputedStyle(document.body).backgroundColor }; })()`);
      console.log(`conflict line: ${style.size}px ${style.color} on ${style.bg}`);
      expect(style.size).toBeGreaterThanOrEqual(13);

      // the line links to a diamond on a node strip that exists
      const href = (await conflict.locator("a.t").getAttribute("href"))!;
      expect(href).toMatch(/^#tl-nl-\d+$/);
      // one element per id on the whole page (two nodes logged the conflict: one diamond carries the anchor)
      expect(await page.evaluate<string[]>(`(() => { const seen = new Set(), dup = []; for (const e of document.querySelectorAll("[id]")) { if (seen.has(e.id)) dup.push(e.id); seen.add(e.id); } return dup; })()`)).toEqual([]);
      expect(await page.locator(`path.nlog[data-line="${href.slice(4)}"]`).count(), "both nodes' diamonds are drawn").toBeGreaterThanOrEqual(2);
      const diamond = page.locator(`path.nlog${href}`);
      expect(await diamond.count(), `${href} is a diamond (path.nlog)`).toBe(1);
      expect(await diamond.getAttribute("class")).toContain("name_conflict");
      // the node strip it is drawn on: its lane (g.lane[data-node]) of the timeline, which has that node's strip
      const strip = await page.evaluate<{ inTimeline: boolean; node: string | null; strips: number; w: number; h: number }>(`(() => {
        const d = document.getElementById(${JSON.stringify(href.slice(1))});
        const lane = d.closest("g.lane");
        const b = d.getBoundingClientRect();
        return { inTimeline: d.closest("#timeline") !== null, node: lane ? lane.getAttribute("data-node") : null, strips: lane ? lane.querySelectorAll("rect").length : 0, w: b.width, h: b.height };
      })()`);
      console.log(`diamond ${href} on the strip of ${strip.node}`);
      expect(strip.inTimeline).toBe(true);
      expect(strip.node).toMatch(/^n[13]$/); // a node that logged the conflict
      expect(strip.strips).toBeGreaterThan(0);
      expect(strip.w).toBeGreaterThan(3);
      expect(strip.h).toBeGreaterThan(3);
      // following the link scrolls the diamond into view and highlights it
      await conflict.locator("a.t").click();
      await expect.poll(() => new URL(page.url()).hash).toBe(href);
      await page.screenshot({ path: pngs.target });
      const d = (await diamond.boundingBox())!;
      expect(d.y, "the diamond is not glued to the top edge").toBeGreaterThan(100);
      expect(d.y + d.height).toBeLessThanOrEqual(HEIGHT);
      expect(await page.evaluate(`getComputedStyle(document.getElementById(${JSON.stringify(href.slice(1))})).strokeWidth`)).toBe("2px");

    } finally {
      await context.close();
      const keep = process.env.NETSPLIT_KEEP_SCREENSHOT;
      if (keep) {
        mkdirSync(keep, { recursive: true });
        for (const f of Object.values(pngs)) if (existsSync(f)) writeFileSync(path.join(keep, path.basename(f)), readFileSync(f));
      }
    }
    expect(pageErrors).toEqual([]);
    expect(external).toEqual([]);
    for (const f of Object.values(pngs)) expect(readFileSync(f).subarray(1, 4).toString()).toBe("PNG");
  }, 120_000);
});
