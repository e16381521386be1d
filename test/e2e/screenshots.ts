/**
 * Screenshots clipped to what a picture is about: the union of some regions of a page (a quick
 * pick and the status bar item it belongs to), not the whole window. Any page: the workbench, or
 * a tab the workbench opened (test/e2e/console.ts).
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';

/**
 * Saves a PNG of `page` clipped to the union of `regions` (plus `padding`), or of the whole page
 * when none is given (or none is on screen). Returns the file.
 */
export async function clippedScreenshot(page: Page, file: string, regions: readonly Locator[] = [], padding = 8): Promise<string> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const viewport = page.viewportSize() ?? { width: 1400, height: 900 };
  const boxes = [];
  for (const r of regions) {
    const box = await r.boundingBox();
    if (box) boxes.push(box);
  }
  if (boxes.length === 0) {
    await page.screenshot({ path: file, timeout: 15_000 });
    return file;
  }
  const x = Math.max(0, Math.min(...boxes.map((b) => b.x)) - padding);
  const y = Math.max(0, Math.min(...boxes.map((b) => b.y)) - padding);
  const right = Math.min(viewport.width, Math.max(...boxes.map((b) => b.x + b.width)) + padding);
  const bottom = Math.min(viewport.height, Math.max(...boxes.map((b) => b.y + b.height)) + padding);
  await page.screenshot({ path: file, clip: { x, y, width: right - x, height: bottom - y }, timeout: 15_000 });
  return file;
}
