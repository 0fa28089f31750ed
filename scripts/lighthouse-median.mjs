// Prints one Markdown row: the median of several Lighthouse JSON reports.
// Usage: node lighthouse-median.mjs <label> <report.json>...
import { readFileSync } from 'node:fs';

const [label, ...files] = process.argv.slice(2);
const reports = files.flatMap((f) => {
  try { return [JSON.parse(readFileSync(f, 'utf8'))]; } catch { return []; }
});
if (reports.length === 0) { console.log(`| ${label} | no report | | | | | |`); process.exit(0); }
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const num = (id) => median(reports.map((r) => r.audits[id].numericValue));
const score = median(reports.map((r) => Math.round(r.categories.performance.score * 100)));
const errors = Math.max(...reports.map((r) => r.audits['errors-in-console']?.details?.items?.length ?? 0));
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
console.log(`| ${label} | ${score} | ${s(num('first-contentful-paint'))} | ${s(num('largest-contentful-paint'))} | ${Math.round(num('total-blocking-time'))} ms | ${num('cumulative-layout-shift').toFixed(3)} | ${errors} |`);
