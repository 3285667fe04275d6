// Renders the SVG sources in assets/ to the PNGs electron-builder and the tray need, with
// Debian's Chromium (no image tool is needed on the machine). Run: npx tsx scripts/render-icons.ts
import { readFileSync } from 'node:fs';
import { launchChromium } from '../test/support/chromium';

const jobs: [svg: string, png: string, size: number][] = [
  ['assets/icon.svg', 'assets/icon.png', 512],
  ['assets/icon.svg', 'assets/notification.png', 256],
  ['assets/tray-black.svg', 'assets/trayTemplate.png', 16],
  ['assets/tray-black.svg', 'assets/trayTemplate@2x.png', 32],
  ['assets/tray-black.svg', 'assets/tray-light.png', 32],
  ['assets/tray-white.svg', 'assets/tray-dark.png', 32],
];

const browser = await launchChromium();
const page = await browser.newPage();
for (const [svg, png, size] of jobs) {
  await page.setViewportSize({ width: size, height: size });
  const data = Buffer.from(readFileSync(svg)).toString('base64');
  await page.setContent(
    `<html><body style="margin:0;background:transparent"><img src="data:image/svg+xml;base64,${data}" width="${size}" height="${size}"></body></html>`,
  );
  await page.screenshot({ path: png, omitBackground: true });
  console.log(`${png} ${size}x${size}`);
}
await browser.close();
