import { readFileSync, writeFileSync } from 'node:fs';
import { markdown, type Results } from './test/bench/report';
const r = JSON.parse(readFileSync('bench/results.json', 'utf8')) as Results;
writeFileSync('docs/benchmarks.md', markdown(r));
