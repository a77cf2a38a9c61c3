// Draws the gateway icon (an envelope on a transparent background) into assets/icon.png.
// Run: node scripts/make-icon.mjs
import { Buffer } from "node:buffer";
import { writeFileSync } from "node:fs";
import process from "node:process";
import { URL } from "node:url";
import { deflateSync } from "node:zlib";

const SIZE = 128;
const pixels = Buffer.alloc(SIZE * SIZE * 4); // RGBA, all transparent

const BODY = [37, 99, 235]; // blue envelope
const FLAP = [255, 255, 255]; // white fold lines

/** Fills with anti-aliasing by 4x4 supersampling of an inside() test. */
function paint(color, inside) {
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      let hits = 0;
      for (let sy = 0; sy < 4; sy++)
        for (let sx = 0; sx < 4; sx++) if (inside(x + (sx + 0.5) / 4, y + (sy + 0.5) / 4)) hits++;
      if (!hits) continue;
      const alpha = hits / 16;
      const i = (y * SIZE + x) * 4;
      const under = pixels[i + 3] / 255;
      const out = alpha + under * (1 - alpha);
      for (let c = 0; c < 3; c++) {
        pixels[i + c] = Math.round((color[c] * alpha + pixels[i + c] * under * (1 - alpha)) / out);
      }
      pixels[i + 3] = Math.round(out * 255);
    }
  }
}

const left = 12,
  right = 116,
  top = 28,
  bottom = 100,
  radius = 10;
function inRoundedRect(x, y) {
  if (x < left || x > right || y < top || y > bottom) return false;
  const cx = Math.min(Math.max(x, left + radius), right - radius);
  const cy = Math.min(Math.max(y, top + radius), bottom - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}
function nearSegment(x, y, ax, ay, bx, by, width) {
  const dx = bx - ax,
    dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return (x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2 <= (width / 2) ** 2;
}

paint(BODY, inRoundedRect);
const midX = (left + right) / 2,
  foldY = 70;
paint(
  FLAP,
  (x, y) =>
    inRoundedRect(x, y) &&
    (nearSegment(x, y, left + 6, top + 6, midX, foldY, 7) || nearSegment(x, y, right - 6, top + 6, midX, foldY, 7)),
);

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const rows = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) pixels.copy(rows, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);

const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk("IHDR", header),
  chunk("IDAT", deflateSync(rows, { level: 9 })),
  chunk("IEND", Buffer.alloc(0)),
]);
writeFileSync(new URL("../assets/icon.png", import.meta.url), png);
process.stdout.write(`assets/icon.png: ${png.length} bytes\n`);
