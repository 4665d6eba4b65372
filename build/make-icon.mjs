#!/usr/bin/env node
// Draws build/icon.png, Labdesk's 512×512 app icon: a dark rounded square with a light lab flask
// half full of teal liquid. No dependencies: signed-distance shapes, 4×4 supersampling, and a
// hand-written PNG (zlib + CRC32). Run `node build/make-icon.mjs` to remake it.
import { Buffer } from 'node:buffer';
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 512;
const SAMPLES = 4;

// ---- shapes (signed distance: negative inside) ------------------------------------------------

function roundedBox(x, y, cx, cy, halfW, halfH, radius) {
  const qx = Math.abs(x - cx) - halfW + radius;
  const qy = Math.abs(y - cy) - halfH + radius;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
}

function polygon(x, y, points) {
  let distance = Infinity;
  let sign = 1;
  for (let i = 0, j = points.length - 1; i < points.length; j = i, i += 1) {
    const [ax, ay] = points[i];
    const [bx, by] = points[j];
    const ex = bx - ax;
    const ey = by - ay;
    const wx = x - ax;
    const wy = y - ay;
    const t = Math.min(Math.max((wx * ex + wy * ey) / (ex * ex + ey * ey), 0), 1);
    distance = Math.min(distance, Math.hypot(wx - ex * t, wy - ey * t));
    const crosses = (ay <= y && y < by) || (by <= y && y < ay);
    if (crosses && x < ((bx - ax) * (y - ay)) / (by - ay) + ax) sign = -sign;
  }
  return sign * distance;
}

// The flask: a neck on a trapezoid body. Corners are rounded the SDF way: the polygon inset by
// ROUND, then grown back by ROUND.
const ROUND = 18;
const FLASK = [[226, 118], [286, 118], [286, 214], [384, 382], [128, 382], [226, 214]];
const STROKE = 22;
const LIQUID_TOP = 296;

function inset(points, distance) {
  const cx = points.reduce((sum, [x]) => sum + x, 0) / points.length;
  const cy = points.reduce((sum, [, y]) => sum + y, 0) / points.length;
  const lines = points.map(([ax, ay], i) => {
    const [bx, by] = points[(i + 1) % points.length];
    const length = Math.hypot(bx - ax, by - ay);
    let [nx, ny] = [(by - ay) / length, -(bx - ax) / length];
    if ((cx - ax) * nx + (cy - ay) * ny < 0) [nx, ny] = [-nx, -ny];
    return [ax + nx * distance, ay + ny * distance, bx - ax, by - ay];
  });
  return lines.map((line, i) => {
    const [px, py, dx, dy] = lines[(i + lines.length - 1) % lines.length];
    const [qx, qy, ex, ey] = line;
    const t = ((qx - px) * ey - (qy - py) * ex) / (dx * ey - dy * ex);
    return [px + dx * t, py + dy * t];
  });
}

const FLASK_CORE = inset(FLASK, ROUND);

function flask(x, y) {
  return polygon(x, y, FLASK_CORE) - ROUND;
}

// ---- colours ------------------------------------------------------------------------------

const TOP = [42, 52, 72];
const BOTTOM = [20, 25, 36];
const GLASS = [232, 237, 245];
const LIQUID = [79, 209, 165];
const LIQUID_DARK = [44, 160, 128];

function mix(a, b, t) {
  return a.map((value, i) => value + (b[i] - value) * t);
}

/** Colour and coverage of one sample point, painted back to front. */
function sample(x, y) {
  const background = roundedBox(x, y, 256, 256, 224, 224, 100);
  if (background > 0) return [0, 0, 0, 0];
  let colour = mix(TOP, BOTTOM, (y - 32) / 448);
  const shape = flask(x, y);
  const inner = shape + STROKE / 2;
  if (inner < 0 && y > LIQUID_TOP) {
    colour = mix(LIQUID, LIQUID_DARK, (y - LIQUID_TOP) / (382 - LIQUID_TOP));
    // Two bubbles.
    if (Math.hypot(x - 230, y - 336) < 11 || Math.hypot(x - 272, y - 316) < 7) colour = mix(colour, GLASS, 0.55);
  }
  if (Math.abs(shape) < STROKE / 2) colour = GLASS;
  // The rim on top of the neck.
  if (roundedBox(x, y, 256, 112, 46, 10, 8) < 0) colour = GLASS;
  return [...colour, 255];
}

// ---- render -----------------------------------------------------------------------------------

const rows = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let py = 0; py < SIZE; py += 1) {
  const rowStart = py * (SIZE * 4 + 1);
  rows[rowStart] = 0; // filter: none
  for (let px = 0; px < SIZE; px += 1) {
    const sum = [0, 0, 0, 0];
    for (let sy = 0; sy < SAMPLES; sy += 1) {
      for (let sx = 0; sx < SAMPLES; sx += 1) {
        const [r, g, b, a] = sample(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES);
        sum[0] += r * a;
        sum[1] += g * a;
        sum[2] += b * a;
        sum[3] += a;
      }
    }
    const offset = rowStart + 1 + px * 4;
    const alpha = sum[3] / (SAMPLES * SAMPLES);
    for (let c = 0; c < 3; c += 1) rows[offset + c] = sum[3] === 0 ? 0 : Math.round(sum[c] / sum[3]);
    rows[offset + 3] = Math.round(alpha);
  }
}

// ---- PNG --------------------------------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
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
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, deflate, no filter method extras, no interlace

const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(rows, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const target = new URL('./icon.png', import.meta.url);
writeFileSync(target, png);
console.log(`wrote ${target.pathname} (${SIZE}×${SIZE}, ${png.length} bytes)`);
